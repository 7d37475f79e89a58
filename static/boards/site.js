// Behaviour every page shares. Kept out of inline handlers so the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const field = event.target.closest?.("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest?.("[data-print]")) window.print();
  });

  // Printing: shrink a board wider (or taller) than an A3 landscape sheet so it fits on one (see board.css).
  const SHEET_PX = { width: (400 / 25.4) * 96, height: (277 / 25.4) * 96 - 60 }; // 10 mm margins, a title line
  function fitForPrint() {
    const map = document.getElementById("board-map");
    if (!map) return;
    const zoom = Math.min(1, SHEET_PX.width / map.offsetWidth, SHEET_PX.height / map.offsetHeight);
    document.documentElement.style.setProperty("--print-zoom", String(zoom));
  }
  window.addEventListener("beforeprint", fitForPrint);
  window.addEventListener("afterprint", () => document.documentElement.style.removeProperty("--print-zoom"));
})();
