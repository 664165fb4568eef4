// Message template page: count the characters of an SMS template as it is typed (placeholders not filled).
(function () {
  "use strict";
  var body = document.getElementById("id_body");
  var out = document.getElementById("msg-body-count");
  if (!body || !out || !body.dataset.smsSegment) { return; }
  var template = out.dataset.template || "{n}";
  function update() { out.textContent = template.replace("{n}", String(body.value.length)); }
  body.addEventListener("input", update);
  update();
})();
