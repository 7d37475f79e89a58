// A live pain point page. live.js swaps in what everyone sees (heading, state, timeline) from the journey's pushes;
// the actions depend on who looks, so they refetch themselves (hx-trigger) after every push that changed this pain
// point, morphed in so that typed text stays. An action is an hx-post through live.js's outbox: its answer brings
// the same parts and this viewer's actions, without a reload. The tab's title follows a new wording of the heading.
(function () {
  "use strict";
  const page = document.querySelector(".pain-point-page");
  if (!page) return;
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    if (event.detail.target.id !== `pain-point-${page.dataset.painPointId}-heading`) return;
    document.title = `${event.detail.target.querySelector("h1").textContent.trim()} · Journey Board`;
  });

  // A keyboard user lands where the page's answer is, not on the top of the page: after a refused action on its
  // first field with a problem (marked invalid and tied to its message), after a done action on what they can do next.
  function pointAtTheAnswer(done) {
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
    } else if (done && actions && !page.contains(document.activeElement)) {
      actions.setAttribute("tabindex", "-1");
      actions.focus();
    }
  }
  pointAtTheAnswer(Boolean(document.querySelector(".messages")));

  // While an action is on its way the other actions wait: their forms still hold the version before it (each would
  // be refused as stale). Its answer brings them new (live.js swaps this viewer's parts even when the push came first).
  document.body.addEventListener("htmx:configRequest", (event) => {
    const actions = event.detail.elt.closest?.(".pain-point-page section.actions");
    if (!actions || event.detail.verb !== "post") return;
    actions.inert = true;
    setTimeout(() => actions.removeAttribute("inert"), 3000); // no answer yet (the outbox retries): usable again
  });
  document.body.addEventListener("outbox:answered", (event) => {
    const { status, form } = event.detail;
    if (!form?.startsWith(`pain-point-${page.dataset.painPointId}-`)) return;
    page.querySelector("section.actions")?.removeAttribute("inert");
    if (status < 300 && form.endsWith("-comment")) document.getElementById(form)?.reset();
    pointAtTheAnswer(status < 300);
  });
})();
