// Reports: progress bars of report runs (widths set here, the CSP forbids style=""), confirmations, auto-submit.
(function () {
  "use strict";
  function paintProgress(root) {
    (root || document).querySelectorAll(".run-progress[data-progress]").forEach(function (bar) {
      var value = parseInt(bar.getAttribute("data-progress"), 10) || 0;
      bar.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    paintProgress(document);
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    var filters = document.getElementById("report-filters");
    if (filters) {
      filters.querySelectorAll("select").forEach(function (select) {
        select.addEventListener("change", function () { filters.submit(); });
      });
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) { paintProgress(event.target.parentNode || document); });
})();
