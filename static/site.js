// Behaviour every page shares. Kept out of inline handlers so the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    if (event.target.closest?.("[data-print]")) window.print();
  });
  // A menu (the board's Export) opens below its button towards the page; where the toolbar wrapped it to the left
  // edge, it opens to the right instead, never off the screen.
  document.addEventListener("toggle", (event) => {
    const menu = event.target;
    if (!menu.matches?.("details.board-actions") || !menu.open) return;
    menu.classList.remove("opens-right");
    if (menu.querySelector("ul").getBoundingClientRect().left < 0) menu.classList.add("opens-right");
  }, true);
  // The print page opened from the board's Export menu prints at once (its own button prints again).
  if (document.body.hasAttribute("data-print-on-load")) window.addEventListener("load", () => window.print());

  // A form htmx has not taken in yet (an editor morphed into the page a moment ago, an Enter pressed at once) would
  // go out as a plain GET with the typed text in the address and be lost: htmx takes it in and sends it instead.
  const takenIn = new WeakSet();
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !window.htmx || !form.matches?.("form[hx-post]") || form.hasAttribute("method")) return;
    event.preventDefault();
    if (takenIn.has(form)) return; // htmx did not want it even then: never a GET with the text, never a loop
    takenIn.add(form);
    htmx.process(form);
    form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });

  // The language switch (base.html) reloads the page in the chosen language. The button that was pressed gets the
  // focus back after the reload, so a keyboard or screen reader user goes on from the switch, not from the top.
  const LANGUAGE_FOCUS_KEY = "journey-board:language-switch";
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!event.target.matches?.(".lang-switch") || !button?.matches("button[name=language]")) return;
    if (button.getAttribute("aria-pressed") === "true") {
      event.preventDefault(); // already in that language: a reload would only lose what was typed
      return;
    }
    try {
      sessionStorage.setItem(LANGUAGE_FOCUS_KEY, button.value);
    } catch {
      // Storage refused (private mode, quota): the switch still works, the focus just starts at the top.
    }
  });
  (function focusTheLanguageSwitchUsed() {
    let code = null;
    try {
      code = sessionStorage.getItem(LANGUAGE_FOCUS_KEY);
      sessionStorage.removeItem(LANGUAGE_FOCUS_KEY);
    } catch {
      return;
    }
    if (!code) return;
    const button = Array.from(document.querySelectorAll(".lang-switch button[name=language]")).find(
      (candidate) => candidate.value === code,
    );
    button?.focus();
  })();

  // Printing: shrink a board wider (or taller) than an A3 landscape sheet so it fits on one (see board.css).
  const SHEET_PX = { width: (400 / 25.4) * 96, height: (277 / 25.4) * 96 - 60 }; // 10 mm margins, a title line
  function fitForPrint() {
    const map = document.getElementById("board-map");
    if (!map) return;
    const zoom = Math.min(1, SHEET_PX.width / map.offsetWidth, SHEET_PX.height / map.offsetHeight);
    document.documentElement.style.setProperty("--print-zoom", String(zoom));
  }
  window.addEventListener("beforeprint", fitForPrint);
  // The numbers behind every chart (the dashboard) print too.
  window.addEventListener("beforeprint", () => document.querySelectorAll("details.numbers").forEach((numbers) => { numbers.open = true; }));
  window.addEventListener("afterprint", () => document.documentElement.style.removeProperty("--print-zoom"));
})();
