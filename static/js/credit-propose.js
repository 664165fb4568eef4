// The proposal form (credit:propose): a listing's fields (ground, extension, conduct) only for a listing, the
// persons named only for a restriction. The server validates either way; this only hides what does not apply.
(function () {
  "use strict";
  function rowOf(id) {
    var el = document.getElementById(id);
    return el ? el.closest(".mb-3") : null;
  }
  function update(kind) {
    var listing = kind.value === "dishonest";
    ["id_ground", "id_extension_years", "id_conduct"].forEach(function (id) {
      var row = rowOf(id);
      if (row) { row.hidden = !listing; }
    });
    document.querySelectorAll("[id^='id_person_']").forEach(function (el) {
      var row = el.closest(".mb-3");
      if (row) { row.hidden = listing; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var kind = document.getElementById("id_kind");
    if (!kind || !document.getElementById("propose-form")) { return; }
    kind.addEventListener("change", function () { update(kind); });
    update(kind);
  });
})();
