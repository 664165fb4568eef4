// Deadlines pages: filters submit on change; the header's unread badge follows "mark read" without a reload.
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.body.addEventListener("notificationsChanged", function () {
    var badge = document.getElementById("unread-count");
    if (!badge) { return; }
    var n = parseInt(badge.textContent, 10) - 1;
    if (n > 0) { badge.textContent = String(n); } else { badge.remove(); }
  });
})();
