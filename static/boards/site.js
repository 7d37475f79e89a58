// Behaviour every page shares. Kept out of inline handlers so the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const field = event.target.closest?.("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });
})();
