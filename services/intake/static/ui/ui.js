// Progressive enhancement only: every page works without this file.
// Moves keyboard and screen-reader focus to an error summary or warning when a page shows one.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-autofocus]");
  if (target && document.activeElement !== target) {
    target.focus();
  }
  // An error-summary link focuses the field itself, not just scrolls to it.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({block: "center"});
        field.focus();
      }
    });
  });
});
