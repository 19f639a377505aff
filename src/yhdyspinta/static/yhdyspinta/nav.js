// On a phone the main navigation folds behind a "Menu" button (without JavaScript it
// stays open, as a plain list).
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var nav = document.querySelector(".main-nav");
  var toggle = nav && nav.querySelector(".nav-toggle");
  if (!toggle) return;
  toggle.addEventListener("click", function () {
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
