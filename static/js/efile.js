// Electronic case file: drag and drop of the catalogue (SortableJS, vendored). The new order is posted as JSON;
// the page reloads to show the running page ranges. The up/down buttons do the same without a mouse.
(function () {
  "use strict";
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function send(root) {
    var order = [];
    root.querySelectorAll(".efile-items").forEach(function (list) {
      list.querySelectorAll(".efile-item").forEach(function (li) {
        order.push([parseInt(li.dataset.item, 10), parseInt(list.dataset.section, 10)]);
      });
    });
    fetch(root.dataset.reorderUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify({order: order})
    }).then(function () { window.location.reload(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("efile-catalogue");
    if (!root || root.dataset.sortable !== "1" || typeof Sortable === "undefined") { return; }
    root.querySelectorAll(".efile-items").forEach(function (list) {
      Sortable.create(list, {group: "efile", animation: 150, filter: "form, select, button, input",
        preventOnFilter: false, onEnd: function () { send(root); }});
    });
  });
})();
// When the archive volume panel (polled by htmx) reports the volume done, reload once so the catalogue shows
// which documents went into the volume.
document.addEventListener("htmx:afterSwap", function (event) {
  "use strict";
  if (event.target && event.target.id === "volume-panel" && document.getElementById("volume-done")) {
    window.location.reload();
  }
});
