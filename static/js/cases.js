/* Cases pages: add/remove rows of a Django formset (parties at intake, settlement instalments), and hide the
   no-JavaScript fallback buttons. No inline scripts (CSP). */
(function () {
  "use strict";

  function addRow(button, containerId, templateId, rowSelector) {
    var prefix = button.dataset.formset;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(templateId);
    var container = document.getElementById(containerId);
    if (!total || !template || !container) { return; }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    container.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input, select");
    if (first) { first.focus(); }
    wireRemove(row, prefix, containerId, rowSelector);
  }

  function renumber(container, prefix, rowSelector) {
    var rows = container.querySelectorAll(rowSelector);
    var pattern = new RegExp(prefix + "-(\\d+)-", "g");
    rows.forEach(function (row, i) {
      row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(pattern, prefix + "-" + i + "-")); }
        });
      });
    });
    document.getElementById("id_" + prefix + "-TOTAL_FORMS").value = String(rows.length);
  }

  function wireRemove(row, prefix, containerId, rowSelector) {
    var remove = row.querySelector(".remove-party, .remove-row");
    if (!remove) { return; }
    remove.addEventListener("click", function () {
      var container = document.getElementById(containerId);
      if (container.querySelectorAll(rowSelector).length <= 1) { return; }
      row.remove();
      renumber(container, prefix, rowSelector);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".no-js-only").forEach(function (el) { el.classList.add("d-none"); });
    var addParty = document.getElementById("add-party");
    if (addParty) {
      document.querySelectorAll("#party-rows .party-row").forEach(function (row) {
        wireRemove(row, "parties", "party-rows", ".party-row");
      });
      addParty.addEventListener("click", function () {
        addRow(addParty, "party-rows", "party-empty", ".party-row");
      });
    }
    var addInstalment = document.getElementById("add-instalment");
    if (addInstalment) {
      addInstalment.addEventListener("click", function () {
        addRow(addInstalment, "instalment-rows", "instalment-empty", ".instalment-row");
      });
    }
  });
})();
