// Small behaviours shared by all pages. Loaded as a static file: the CSP allows no inline script.
(function () {
  "use strict";
  // Elements with data-progress-width set their bar width from the attribute (no inline styles under the CSP).
  function applyProgress(root) {
    root.querySelectorAll("[data-progress-width]").forEach(function (el) {
      el.style.width = el.getAttribute("data-progress-width") + "%";
    });
  }
  // Buttons with data-confirm ask first.
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
  });
  document.addEventListener("DOMContentLoaded", function () { applyProgress(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { applyProgress(ev.target); });
})();
