// Polls the return's status while it is processed, then reloads to show the report.
(function () {
  var box = document.querySelector("[data-status-url]");
  if (!box) return;
  var label = document.getElementById("status-label");
  function mark(status) {
    var reached = true;
    box.querySelectorAll("[data-step]").forEach(function (step) {
      step.classList.toggle("reached", reached);
      if (step.dataset.step === status) reached = false;
    });
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        label.textContent = data.label + (data.final ? "" : "…");
        mark(data.status);
        if (data.final) { window.location.reload(); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
