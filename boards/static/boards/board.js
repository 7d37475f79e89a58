// The board's interactions: operation ids and retries, the step drawer, keyboard moves, drag and drop.
// Pan, zoom and the rest of the wall are in wall.js.
// The live socket lives in live.js.
(function () {
  "use strict";
  const board = document.body;
  const journeyId = board.dataset.journeyId;
  if (!journeyId) return;

  // Every change carries an operation id. A request that never reached the server is sent again with the same id,
  // so the server applies it once however often the flaky network makes us try.
  const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
  // A proxy answering for a server that is restarting (or a second daphne taking over) is worth another try.
  const TRY_AGAIN = [502, 503, 504];
  function newOpId() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/[^A-Za-z0-9_-]/g, "");
  }
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.verb !== "post") return;
    const elt = event.detail.elt;
    if (!elt.dataset.opId) elt.dataset.opId = newOpId();
    event.detail.parameters.op_id = elt.dataset.opId;
    // Moving or deleting acts on the step as the board shows it now: its card always carries the latest version,
    // after our own changes and everyone else's, where a hidden field in the drawer would go stale.
    const versionOf = elt.closest("[data-version-of]");
    const card = versionOf && document.getElementById(versionOf.dataset.versionOf);
    if (card) event.detail.parameters.base_version = card.dataset.version;
  });
  // The form whose change was refused as stale: once that same form saves, its "Nothing was saved" notice is over.
  let conflictFrom = null;
  function clearConflict() {
    conflictFrom = null;
    document.getElementById("conflict-region").replaceChildren();
  }
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    const xhr = event.detail.xhr;
    if (xhr && xhr.status === 409) conflictFrom = elt.id || null;
    else if (xhr && xhr.status < 300 && event.detail.successful && conflictFrom && elt.id === conflictFrom) {
      clearConflict();
    }
    if (!elt.dataset || !elt.dataset.opId || !xhr || xhr.status === 0 || TRY_AGAIN.includes(xhr.status)) return;
    delete elt.dataset.opId;
    delete elt.dataset.retries;
    if (event.detail.successful && xhr.status < 300 && elt.matches("[data-reset-on-success]")) {
      // The lane of the step just added stays chosen: a group usually adds several steps in one lane.
      const kept = Array.from(elt.querySelectorAll("[data-keep-on-reset]"), (field) => [field, field.value]);
      elt.reset();
      kept.forEach(([field, value]) => { field.value = value; });
      // The messages of an earlier failed try no longer apply.
      elt.querySelectorAll(".field-error").forEach((message) => { message.textContent = ""; });
      elt.querySelectorAll(".errorlist, .form-errors").forEach((message) => message.remove());
      const first = elt.querySelector("input[type=text]");
      if (first) first.focus();
      if (elt.id === "step-create-form") showWhereItLanded(xhr.getResponseHeader("X-Journey-Step"));
    }
    // An editor is done once its change is saved; opening it again loads the new version.
    if (event.detail.successful && xhr.status < 300 && elt.matches("[data-close-on-success]")) closeEditor(elt);
  });
  // How to send a change again that was not made by the element's own hx-post (a keyboard or drag move).
  const sendAgain = new WeakMap();
  function retry(elt) {
    const again = sendAgain.get(elt) || (elt.matches("form, [hx-post]") &&
      (() => htmx.trigger(elt, elt.tagName === "FORM" ? "submit" : "click")));
    if (!again) return;
    const attempt = Number(elt.dataset.retries || 0);
    if (attempt >= RETRY_DELAYS_MS.length) {
      showNotice(board.dataset.msgOffline);
      delete elt.dataset.retries;
      delete elt.dataset.opId;
      sendAgain.delete(elt);
      return;
    }
    elt.dataset.retries = String(attempt + 1);
    setTimeout(again, RETRY_DELAYS_MS[attempt]);
  }
  document.body.addEventListener("htmx:sendError", (event) => retry(event.detail.elt));
  // A gateway error is tried again with the same operation id; any other error answer is not, and says so. What
  // was typed stays in the form.
  document.body.addEventListener("htmx:responseError", (event) => {
    const { elt, xhr, requestConfig } = event.detail;
    if (!requestConfig || requestConfig.verb !== "post") return;
    if (TRY_AGAIN.includes(xhr.status)) { retry(elt); return; }
    if (xhr.status === 403 && requestConfig.path.includes("/workshop/")) return; // its own line says why (workshop.js)
    delete elt.dataset.retries;
    delete elt.dataset.opId;
    sendAgain.delete(elt);
    showNotice(xhr.status >= 500 ? board.dataset.msgServerError : board.dataset.msgRefused);
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

  // A retry of a change the person already confirmed (deleting a step) does not ask again.
  document.body.addEventListener("htmx:confirm", (event) => {
    if (!event.detail.elt.dataset.retries) return;
    event.preventDefault();
    event.detail.issueRequest(true);
  });

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
  // A message everyone sees, in the same box as the server's notices (boards/notice.html#notice-box).
  function showNotice(text) {
    const template = document.getElementById("notice-template");
    const region = document.getElementById("conflict-region");
    if (!template || !region) { announce(text); return; }
    const notice = template.content.firstElementChild.cloneNode(true);
    notice.querySelector("[data-notice-text]").textContent = text;
    region.replaceChildren(notice);
  }

  // The drawer opens when a step's details arrive and closes with Esc or its close button.
  const drawer = document.getElementById("drawer");
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === drawer) {
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
    drawer.innerHTML = "";
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
    if (!openingFrom || !form.matches("form.editor")) return;
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

  // A swapped-in part (the map, a card, a step's hand-offs, an answer or someone else's push) replaces the focused
  // element with a fresh copy: give the focus back to the copy at once, or, when it is gone (a removed hand-off), to
  // the part itself. A keyboard user keeps their place and can press Alt+arrow again straight away.
  let keptFocus = null;
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    const active = document.activeElement;
    if (active && active !== document.body && event.detail.target.contains(active)) {
      keptFocus = { id: active.id, part: event.detail.target.id };
    }
  });
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "board-map") markSelected(drawer.querySelector("[data-step-id]")?.dataset.stepId);
    if (target && (target.id === "board-map" || /^step-\d+$/.test(target.id))) refreshStepLists();
    if (event.target instanceof HTMLFormElement) editorOpened(event.target); // the part as swapped in
    const kept = keptFocus;
    keptFocus = null;
    if (!kept || document.activeElement !== document.body) return;
    const again = (kept.id && document.getElementById(kept.id)) || document.getElementById(kept.part);
    if (!again) return;
    if (again.tabIndex < 0 && !again.hasAttribute("tabindex")) again.setAttribute("tabindex", "-1");
    again.focus();
  });

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (target.closest("[data-close-drawer]")) closeDrawer();
    if (target.closest("[data-close-editor]")) {
      const form = target.closest("form");
      if (conflictFrom && form?.id === conflictFrom) clearConflict(); // cancelled: theirs stays, nothing to compare
      closeEditor(form);
    }
    if (target.closest("[data-dismiss-conflict]")) document.getElementById("conflict-region").innerHTML = "";
    if (target.closest("[data-help]")) document.getElementById("help-dialog").showModal();
    const copy = target.closest("[data-copy]");
    if (copy) copyText(copy);
  });

  // Moving a step: one POST to the move endpoint, from the keyboard or by dragging.
  // A retry sends the same fields, base version and operation id again, so the server applies the move once.
  function postMove(card, fields) {
    const values = { base_version: card.dataset.version, ...fields };
    const opId = newOpId();
    const url = `/j/${journeyId}/steps/${card.dataset.stepId}/move/`;
    const send = () => {
      const source = document.getElementById(card.id) || card; // a push may have swapped the card in the meantime
      source.dataset.opId = opId; // htmx:configRequest sends it
      sendAgain.set(source, send);
      return htmx.ajax("POST", url, { values, swap: "none", source }).then(() => {
        if (source.dataset.opId) return; // not through yet: a retry is planned
        sendAgain.delete(source);
        document.getElementById(card.id)?.focus();
      });
    };
    return send();
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
