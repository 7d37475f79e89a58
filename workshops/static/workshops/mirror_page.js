// The mirror survey page's own estimates follow the board's steps. A frame that carries a step's card, the whole map
// or a deleted step means the steps changed: the rows of this participant's form are fetched again (they hold their
// own saved estimates, so they are never pushed), and whatever they typed but did not save yet stays.
(function () {
  "use strict";
  const root = document.getElementById("live-board");
  const form = document.getElementById("mirror-estimates-form");
  if (!root || !form) return;
  const STEPS_CHANGED = /id="(board-map|step-\d+)"/;
  let stepsChanged = false;

  root.addEventListener("htmx:wsBeforeMessage", (event) => {
    if (STEPS_CHANGED.test(event.detail.message || "")) stepsChanged = true;
  });
  root.addEventListener("htmx:wsAfterMessage", () => {
    if (!stepsChanged) return;
    stepsChanged = false;
    refetchRows();
  });

  async function refetchRows() {
    const response = await fetch(`${form.action}`, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return;
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const fresh = template.content.getElementById("mirror-estimate-rows");
    const rows = document.getElementById("mirror-estimate-rows");
    if (!fresh || !rows) return;
    const typed = new Map();
    rows.querySelectorAll("select").forEach((field) => {
      const saved = Array.from(field.options).find((option) => option.defaultSelected)?.value ?? "";
      if (field.value !== saved) typed.set(field.name, field.value);
    });
    const focused = document.activeElement?.name;
    rows.replaceWith(fresh);
    typed.forEach((value, name) => { const field = fresh.querySelector(`[name="${name}"]`); if (field) field.value = value; });
    if (focused) fresh.querySelector(`[name="${focused}"]`)?.focus();
  }
})();
