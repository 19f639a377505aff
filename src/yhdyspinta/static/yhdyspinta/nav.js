// On a phone the main navigation folds behind a "Menu" button (without JavaScript it
// stays open, as a plain list); Escape closes it and returns to the button.
// After a failed submit, focus moves to the form's error summary, so that a keyboard
// and a screen-reader user hear what went wrong and can follow its links to the fields.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  var nav = document.querySelector(".main-nav");
  var toggle = nav && nav.querySelector(".nav-toggle");
  if (!toggle) return;
  function setOpen(open) {
    nav.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  toggle.addEventListener("click", function () {
    setOpen(!nav.classList.contains("open"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      setOpen(false);
      toggle.focus();
    }
  });
});
