// Batch printing: select all / none, the count of selected cases, and the progress bar width (the CSP forbids
// style="", so the width is set here; htmx replaces #batch-status every second until the batch is finished).
(function () {
  "use strict";
  function paint(root) {
    (root || document).querySelectorAll(".batch-progress[data-progress]").forEach(function (bar) {
      var value = parseInt(bar.getAttribute("data-progress"), 10) || 0;
      bar.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }
  function countSelected() {
    var out = document.getElementById("batch-selected-count");
    var boxes = document.querySelectorAll("input.batch-case");
    var checked = 0;
    boxes.forEach(function (box) { if (box.checked) { checked += 1; } });
    if (out) { out.textContent = String(checked); }
    var start = document.getElementById("batch-start");
    if (start) { start.disabled = checked === 0; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    paint(document);
    document.querySelectorAll("[data-batch-select]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.getAttribute("data-batch-select") === "all";
        document.querySelectorAll("input.batch-case").forEach(function (box) { box.checked = on; });
        countSelected();
      });
    });
    document.querySelectorAll("input.batch-case").forEach(function (box) {
      box.addEventListener("change", countSelected);
    });
    if (document.querySelector("input.batch-case")) { countSelected(); }
  });
  document.addEventListener("htmx:afterSwap", function () { paint(document); });
})();
