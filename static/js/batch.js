// Batch printing: nothing ticked at first, select all / none, the count of selected cases, a message when none is,
// and the progress bar width (the CSP forbids style="", so the width is set here; htmx replaces #batch-status every
// second until the batch is finished).
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
    var warning = document.getElementById("batch-none-selected");
    if (warning && checked > 0) { warning.classList.add("d-none"); }
    return checked;
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
    // Starting with nothing ticked: say so here instead of sending the form (the server says the same without JS).
    var create = document.getElementById("batch-create");
    if (create) {
      create.addEventListener("submit", function (event) {
        if (document.querySelector("input.batch-case") && countSelected() === 0) {
          event.preventDefault();
          var warning = document.getElementById("batch-none-selected");
          if (warning) { warning.classList.remove("d-none"); warning.focus && warning.focus(); }
        }
      });
    }
  });
  document.addEventListener("htmx:afterSwap", function () { paint(document); });
})();
