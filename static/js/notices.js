// Notices: choosing a document type reloads the issue form; a freshly issued document downloads by itself.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { if (select.form) { select.form.submit(); } });
    });
    var link = document.querySelector("a[data-autodownload]");
    if (link && !sessionStorage.getItem("notices-downloaded-" + link.href)) {
      sessionStorage.setItem("notices-downloaded-" + link.href, "1");
      link.click();
    }
  });
})();
