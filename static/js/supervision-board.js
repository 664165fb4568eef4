// Countdowns on the command centre's board and the officer's dispatch page: minutes:seconds left, red when late.
(function () {
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".sv-countdown[data-due]").forEach(function (el) {
      var left = Math.round((Date.parse(el.getAttribute("data-due")) - now) / 1000);
      var sign = left < 0 ? "-" : "";
      var s = Math.abs(left);
      el.textContent = sign + Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      el.classList.toggle("text-danger", left < 0);
      el.classList.toggle("fw-bold", left < 300);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
