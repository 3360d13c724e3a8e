// A button marked data-print opens the browser's print dialogue (print, or save as PDF).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
