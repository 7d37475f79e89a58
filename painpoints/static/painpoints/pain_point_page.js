// A live pain point page. live.js swaps in what everyone sees (heading, state, timeline) from the journey's pushes;
// the actions depend on who looks, so they are never pushed: when a push moved the pain point past the version this
// viewer's forms were rendered for, the actions area refetches itself over HTTP (hx-trigger "pain-point-changed"),
// which brings this viewer's own buttons and a fresh base version. Text typed into a form that is still offered
// survives the refetch.
(function () {
  "use strict";
  const page = document.querySelector(".pain-point-page");
  const root = document.getElementById("live-board");
  if (!page || !root) return;
  const id = page.dataset.painPointId;
  const actionsId = `pain-point-${id}-actions`;
  let typed = null;

  root.addEventListener("htmx:wsAfterMessage", () => {
    const heading = document.querySelector(`#pain-point-${id}-heading h1`);
    if (heading) document.title = `${heading.textContent.trim()} · Journey Board`; // the tab follows a new wording
    const state = document.getElementById(`pain-point-${id}-state`);
    const actions = document.getElementById(actionsId);
    if (!state || !actions) return;
    if (state.dataset.gone) { // deleted from the board: nothing left to act on
      page.querySelectorAll("form.action").forEach((form) => form.remove());
      actions.remove();
    } else if (state.dataset.version !== actions.dataset.version) {
      htmx.trigger(document.body, "pain-point-changed");
    }
  });

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target.id !== actionsId) return;
    const fields = event.detail.target.querySelectorAll("textarea, input[type=date]");
    typed = { values: {}, focus: document.activeElement?.id };
    fields.forEach((field) => { if (field.id && field.value !== field.defaultValue) typed.values[field.id] = field.value; });
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    if (!typed) return;
    const { values, focus } = typed;
    typed = null;
    Object.entries(values).forEach(([fieldId, value]) => {
      const field = document.getElementById(fieldId);
      if (field) field.value = value;
    });
    const focused = focus && document.getElementById(focus);
    if (focused) focused.focus({ preventScroll: true });
  });
})();

// A keyboard user lands where the page's answer is, not on the top of the page: after a refused action on its first
// field with a problem (marked invalid and tied to its message), after a done action on what they can do next.
(function () {
  "use strict";
  const page = document.querySelector(".pain-point-page");
  if (!page) return;
  page.querySelectorAll("form.action .errorlist").forEach((list, index) => {
    const field = list.parentElement.querySelector(`#${CSS.escape(list.previousElementSibling?.htmlFor || "")}`);
    if (!field) return;
    list.id = list.id || `action-problem-${index}`;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", list.id);
  });
  const invalid = page.querySelector("[aria-invalid=true]");
  const actions = page.querySelector("section.actions");
  if (invalid) {
    invalid.focus();
  } else if (document.querySelector(".messages") && actions) {
    actions.setAttribute("tabindex", "-1");
    actions.focus();
  }
})();
