// The board's interactions: the step drawer, keyboard moves, drag and drop.
// Pan, zoom and the rest of the wall are in wall.js.
// The live socket, and the outbox every change goes through, live in live.js.
(function () {
  "use strict";
  const board = document.body;
  if (!board.dataset.journeyId) return;

  // Every change goes through the outbox (live.js): sent once, retried with the same operation id, or shown as not
  // saved. Moving or deleting acts on the step as the board shows it now: its card always carries the latest version,
  // after our own changes and everyone else's, where a hidden field in the drawer would go stale.
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.verb !== "post") return;
    const versionOf = event.detail.elt.closest("[data-version-of]");
    const card = versionOf && document.getElementById(versionOf.dataset.versionOf);
    if (card) event.detail.parameters.base_version = card.dataset.version;
  });
  // The form whose change was refused as stale: once that same form saves, its "Nothing was saved" notice is over.
  let conflictFrom = null;
  function clearConflict() {
    conflictFrom = null;
    document.getElementById("conflict-region").replaceChildren();
  }
  // A saved form resets or closes, unless it was typed into again while its change was on its way.
  const fieldsOf = (pairs) => JSON.stringify(pairs.filter(([name]) => name !== "base_version").map(([n, v]) => [n, String(v)]));
  document.addEventListener("outbox:answered", (event) => {
    const { status, form: formId, fields, step } = event.detail;
    const elt = event.target;
    if (status === 409) conflictFrom = formId || null;
    else if (status < 300 && formId && conflictFrom === formId) clearConflict();
    if (status >= 300 || !(elt instanceof HTMLFormElement) || fieldsOf(Array.from(new FormData(elt))) !== fieldsOf(fields)) return;
    if (elt.matches("[data-reset-on-success]")) {
      // The lane of the step just added stays chosen: a group usually adds several steps in one lane.
      const kept = Array.from(elt.querySelectorAll("[data-keep-on-reset]"), (field) => [field, field.value]);
      elt.reset();
      kept.forEach(([field, value]) => { field.value = value; });
      // The messages of an earlier failed try no longer apply.
      elt.querySelectorAll(".field-error").forEach((message) => { message.textContent = ""; });
      elt.querySelectorAll(".errorlist, .form-errors").forEach((message) => message.remove());
      const first = elt.querySelector("input[type=text]");
      if (first) first.focus();
      if (elt.id === "step-create-form") showWhereItLanded(step);
    }
    // An editor is done once its change is saved; opening it again loads the new version.
    if (elt.matches("[data-close-on-success]")) closeEditor(elt);
  });

  // A new step can land far off to the right of a big board: bring it into view and make it blink once, so nobody
  // thinks nothing happened and adds it again. The focus stays in the form, ready for the next step.
  function showWhereItLanded(stepId) {
    const landed = stepId && document.getElementById(`step-${stepId}`);
    if (!landed) return;
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    landed.scrollIntoView({ block: "nearest", inline: "nearest", behavior: still ? "auto" : "smooth" });
    if (!still) {
      landed.animate([{ outline: "4px solid #1a5fd0", outlineOffset: "4px" }, { outline: "4px solid transparent" }],
        { duration: 1600, easing: "ease-out" });
    }
  }

  // The clipboard only exists on https and localhost; on a workshop laptop served over the LAN, show the link instead.
  function copyText(button) {
    const fallback = () => window.prompt(button.dataset.copyPrompt, button.dataset.copy);
    if (!navigator.clipboard) { fallback(); return; }
    navigator.clipboard.writeText(button.dataset.copy).then(() => {
      announce(button.dataset.copied);
      button.classList.add("copied");
      setTimeout(() => button.classList.remove("copied"), 2000);
    }, fallback);
  }
  function announce(text) {
    const region = document.getElementById("live-announcer");
    if (region) region.textContent = text;
  }

  // The drawer opens when a step's details arrive and closes with Esc or its close button.
  const drawer = document.getElementById("drawer");
  document.body.addEventListener("htmx:afterSwap", (event) => {
    // A change posted from a card (a keyboard move) inherits the card's hx-target="#drawer" but swaps nothing into
    // it: only a step's details open the drawer (an empty white panel otherwise).
    if (event.detail.target === drawer && drawer.querySelector("[data-step-id]")) {
      drawer.classList.add("open");
      const stepId = drawer.querySelector("[data-step-id]")?.dataset.stepId;
      markSelected(stepId);
      // The drawer narrows the board: keep the chosen card in sight once it has opened.
      setTimeout(() => document.getElementById(`step-${stepId}`)?.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "smooth" }), 200);
    }
  });
  function closeDrawer() {
    const stepId = drawer.querySelector("[data-step-id]")?.dataset.stepId;
    drawer.classList.remove("open");
    drawer.replaceChildren();
    markSelected(null);
    if (stepId) document.getElementById(`step-${stepId}`)?.focus();
  }
  // An editor opened by a button ("Edit step", a pain point's "Edit") takes the focus; closing it, by saving or
  // cancelling, gives the focus back to that button, so a keyboard user never lands on the top of the page.
  // A response is swapped in one go (its out-of-band parts included) between its beforeSwap and its afterRequest, so
  // whatever swaps in meanwhile came from that request, whatever else is in flight (the drawer's lens section).
  const editorOpeners = new Map();
  let openingFrom = null;
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    openingFrom = event.detail.requestConfig?.verb === "get" ? event.detail.elt : null;
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (openingFrom === event.detail.elt) openingFrom = null;
  });
  function editorOpened(form) {
    if (!openingFrom || !form?.matches("form.editor") || editorOpeners.has(form.id)) return;
    editorOpeners.set(form.id, openingFrom);
    form.querySelector("input:not([type=hidden]), textarea, select")?.focus();
  }
  function closeEditor(form) {
    const hadFocus = form.contains(document.activeElement) || document.activeElement === document.body;
    const placeholder = document.createElement("div");
    placeholder.id = form.id;
    form.replaceWith(placeholder);
    const opener = editorOpeners.get(form.id);
    editorOpeners.delete(form.id);
    if (hadFocus && opener?.isConnected) opener.focus();
  }
  function markSelected(stepId) {
    document.querySelectorAll(".step-card.selected").forEach((card) => card.classList.remove("selected"));
    if (stepId) document.getElementById(`step-${stepId}`)?.classList.add("selected");
  }
  // The open drawer's step lists ("Hand off to", "Place after") follow the map, where the cards are in process order
  // like the lists: a step anyone adds, renames or deletes shows in them at once. The choice made so far stays.
  function refreshStepLists() {
    const own = drawer.querySelector("[data-step-id]")?.dataset.stepId;
    if (!own) return;
    const steps = cardsInProcessOrder().filter((card) => card.dataset.stepId !== own);
    drawer.querySelectorAll("select[name=to_step], select[name=after]").forEach((select) => {
      const chosen = select.value;
      const none = Array.from(select.options).filter((option) => !option.value); // "—", "(keep its place)"
      const options = steps.map((card) => new Option(card.querySelector("h3")?.textContent.trim(), card.dataset.stepId));
      select.replaceChildren(...none, ...options);
      select.value = Array.from(select.options).some((option) => option.value === chosen) ? chosen : "";
    });
  }

  // A part swapped in by a push or an answer is morphed in place (live.js): the focus stays where it was.
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    const target = document.getElementById(event.detail.target.id); // a morph keeps the element, a new editor does not
    if (target && target.id === "board-map") markSelected(drawer.querySelector("[data-step-id]")?.dataset.stepId);
    if (target && (target.id === "board-map" || /^step-\d+$/.test(target.id))) refreshStepLists();
    editorOpened(target); // the part as swapped in
  });

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (target.closest("[data-close-drawer]")) closeDrawer();
    if (target.closest("[data-close-editor]")) {
      const form = target.closest("form");
      if (conflictFrom && form?.id === conflictFrom) clearConflict(); // cancelled: theirs stays, nothing to compare
      closeEditor(form);
    }
    if (target.closest("[data-dismiss-conflict]")) document.getElementById("conflict-region").replaceChildren();
    if (target.closest("[data-help]")) document.getElementById("help-dialog").showModal();
    const copy = target.closest("[data-copy]");
    if (copy) copyText(copy);
  });

  // Moving a step: one change in the outbox, from the keyboard or by dragging. A retry sends the same fields, base
  // version and operation id again, so the server applies the move once.
  function postMove(card, fields) {
    const values = Object.entries({ base_version: card.dataset.version, ...fields });
    const label = card.querySelector("h3")?.textContent.trim();
    return window.journeyOutbox.send(card.dataset.moveUrl, values, { label }).then(() => document.getElementById(card.id)?.focus());
  }
  function lanesInOrder() {
    return Array.from(document.querySelectorAll("#board-map .lane")).map((lane) => lane.dataset.departmentId);
  }
  function cardsInProcessOrder() {
    // Slots are rendered in process order.
    return Array.from(document.querySelectorAll("#board-map .step-card"));
  }
  function laneMove(card, offset) {
    const lanes = lanesInOrder();
    const next = lanes[lanes.indexOf(card.dataset.departmentId) + offset];
    return next === undefined ? null : { department: next };
  }
  function orderMove(card, offset) {
    const cards = cardsInProcessOrder();
    const neighbour = cards[cards.indexOf(card) + offset];
    if (!neighbour) return null;
    const fields = { department: card.dataset.departmentId };
    if (offset > 0) fields.after = neighbour.dataset.stepId;
    else fields.before = neighbour.dataset.stepId;
    return fields;
  }
  // Keyboard moves run one after another, each planned on the board as the one before left it (lane, place,
  // version): pressing Alt+Down then Alt+Left quickly moves the step twice, rather than refusing the second as stale.
  let moves = Promise.resolve();
  function queueMove(cardId, plan) {
    moves = moves.then(() => {
      const card = document.getElementById(cardId);
      const fields = card && plan(card);
      return fields ? postMove(card, fields) : undefined;
    }).catch(() => {});
  }

  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    const card = event.target.closest?.(".step-card");
    if (card && event.altKey) {
      const plans = { ArrowUp: (c) => laneMove(c, -1), ArrowDown: (c) => laneMove(c, 1),
        ArrowLeft: (c) => orderMove(c, -1), ArrowRight: (c) => orderMove(c, 1) };
      if (plans[event.key]) { event.preventDefault(); queueMove(card.id, plans[event.key]); }
      return;
    }
    // Enter opens the focused card. Asked for here rather than by an htmx trigger on the card, so it also works on a
    // card swapped in a moment ago that htmx has not wired up yet.
    if (card && event.key === "Enter" && event.target === card) {
      event.preventDefault();
      htmx.ajax("GET", card.getAttribute("hx-get"), { target: "#drawer", source: card });
      return;
    }
    // Esc closes the topmost thing only: an open dialog (the help) closes itself and leaves the drawer open.
    if (event.key === "Escape" && drawer.classList.contains("open") && !document.querySelector("dialog[open]")) {
      closeDrawer();
      return;
    }
    // Ctrl+P prints the picture made for paper (the board wrapped in rows on an A3 sheet), not the screen's map
    // shrunk until its titles cannot be read.
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "p" && document.body.dataset.printUrl) {
      event.preventDefault();
      window.open(document.body.dataset.printUrl, "_blank", "noopener");
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "n") { event.preventDefault(); document.getElementById("new-step-title")?.focus(); }
    if (event.key === "?") { event.preventDefault(); document.getElementById("help-dialog").showModal(); }
  });

  // Drag and drop: drop a card on a lane; it lands after the last card left of the drop point.
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest?.(".step-card");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.stepId);
  });
  document.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".lane.drop-target").forEach((lane) => lane.classList.remove("drop-target"));
  });
  document.addEventListener("dragover", (event) => {
    const lane = laneAt(event);
    if (!dragged || !lane) return;
    event.preventDefault();
    document.querySelectorAll(".lane.drop-target").forEach((other) => other !== lane && other.classList.remove("drop-target"));
    lane.classList.add("drop-target");
  });
  document.addEventListener("drop", (event) => {
    const lane = laneAt(event);
    if (!dragged || !lane) return;
    event.preventDefault();
    const dropX = event.clientX;
    const others = cardsInProcessOrder().filter((card) => card !== dragged);
    const left = others.filter((card) => card.getBoundingClientRect().left + 95 < dropX);
    const fields = { department: lane.dataset.departmentId };
    if (left.length) fields.after = left[left.length - 1].dataset.stepId;
    else if (others.length) fields.before = others[0].dataset.stepId;
    postMove(dragged, fields);
  });
  function laneAt(event) {
    const lanes = Array.from(document.querySelectorAll("#board-map .lane"));
    return lanes.find((lane) => {
      const box = lane.getBoundingClientRect();
      return event.clientY >= box.top && event.clientY < box.bottom;
    });
  }

})();
