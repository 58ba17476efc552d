// Site-wide behaviour without inline script (the Content-Security-Policy allows only files
// from this site): the language menu submits itself, and an element marked data-autofocus
// (an error summary, a confirmation) takes the focus when the page loads.
(function () {
  "use strict";
  var lang = document.getElementById("lang");
  if (lang) {
    lang.addEventListener("change", function () { lang.form.submit(); });
  }
  var focus = document.querySelector("[data-autofocus]");
  if (focus) { focus.focus(); }
})();
