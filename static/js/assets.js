// Assets and funds pages: a form marked .single-submit is sent once; a second click while it is on its way does
// nothing (the server also treats a repeat with the same idempotency key as the same request).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("single-submit")) { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].classList.add("disabled"); buttons[i].setAttribute("aria-disabled", "true"); }
  }, true);
})();
