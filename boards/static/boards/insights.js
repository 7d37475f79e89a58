// The insights panel: selecting an insight highlights its steps and hand-offs on the board; pain heat colours the
// cards. Both survive every live update, because pushes replace the panel and the cards, not this state.
(function () {
  "use strict";
  let active = null; // data-insight key of the selected finding

  function clearHighlight() {
    document.querySelectorAll(".step-card.highlight, .handoff.highlight").forEach((el) => el.classList.remove("highlight"));
  }

  function ids(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  function highlight(button) {
    clearHighlight();
    document.querySelectorAll("#insights-panel [data-insight]").forEach((other) => other.setAttribute("aria-pressed", String(other === button)));
    if (!button) return;
    ids(button.dataset.steps).forEach((id) => document.getElementById(`step-${id}`)?.classList.add("highlight"));
    ids(button.dataset.handoffs).forEach((id) => document.getElementById(`handoff-${id}`)?.classList.add("highlight"));
    const first = document.getElementById(`step-${ids(button.dataset.steps)[0]}`);
    first?.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "smooth" });
  }

  function applyHeat() {
    const panel = document.getElementById("insights-panel");
    const heat = new Map(ids(panel?.dataset.heat).map((pair) => pair.split(":")));
    document.querySelectorAll("#board-map .step-card").forEach((card) => {
      const level = heat.get(card.dataset.stepId);
      if (level) card.dataset.heat = level;
      else delete card.dataset.heat;
    });
  }

  // Collapsed or not is kept on the shell, which pushes never replace.
  function applyCollapsed() {
    const collapsed = document.querySelector(".board-shell")?.classList.contains("insights-collapsed");
    document.querySelector("[data-toggle-insights]")?.setAttribute("aria-expanded", String(!collapsed));
  }

  function refresh() {
    applyHeat();
    applyCollapsed();
    if (active === null) return;
    const button = document.querySelector(`#insights-panel [data-insight="${CSS.escape(active)}"]`);
    if (!button) active = null;
    highlight(button);
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest?.("[data-toggle-insights]")) {
      document.querySelector(".board-shell")?.classList.toggle("insights-collapsed");
      applyCollapsed();
      return;
    }
    const button = event.target.closest?.("#insights-panel [data-insight]");
    if (!button) return;
    active = active === button.dataset.insight ? null : button.dataset.insight;
    highlight(active === null ? null : button);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && active !== null && !document.querySelector("#drawer.open")) {
      active = null;
      highlight(null);
    }
  });
  document.body.addEventListener("htmx:oobAfterSwap", refresh);
  document.body.addEventListener("htmx:afterSwap", refresh);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
})();
