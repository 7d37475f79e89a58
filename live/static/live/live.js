// The live client of every live page: its one socket (htmx's ws extension), morph swaps that keep what a person is
// doing, and the outbox that gets each change to the server once, or says it did not.
(function () {
  "use strict";
  const body = document.body;
  const messages = body.dataset;

  // Morph swaps (idiomorph) keep the element a person is using: a field typed into and not saved keeps its text (and
  // its form its base version, so saving meets the conflict notice when the stored value changed meanwhile); an open
  // editor survives a part that carries only its empty slot; focus in a removed element goes to the part it was in.
  const FIELD = "input:not([type=hidden]), textarea, select";
  const valueOf = (field) =>
    field.tagName === "SELECT" ? Array.from(field.options, (option) => option.selected).join() :
      ["checkbox", "radio"].includes(field.type) ? String(field.checked) : field.value;
  const typed = (field) =>
    field.tagName === "SELECT" ? Array.from(field.options).some((option) => option.selected !== option.defaultSelected) :
      ["checkbox", "radio"].includes(field.type) ? field.checked !== field.defaultChecked : field.value !== field.defaultValue;
  const keepsTyping = (field, fresh) => field.matches(FIELD) && typed(field) && fresh && valueOf(field) !== valueOf(fresh);
  const counterpart = (field, freshForm) => field.id && freshForm?.querySelector(`#${CSS.escape(field.id)}`);
  let lostFocus = false;
  Object.assign(Idiomorph.defaults.callbacks, {
    beforeNodeMorphed(old, fresh) {
      if (old.nodeType !== 1) return true;
      if (keepsTyping(old, fresh)) {
        old.classList.toggle("changed-underneath", fresh.getAttribute("value") !== old.getAttribute("value"));
        return false;
      }
      const form = old.name === "base_version" && old.form;
      return !(form && Array.from(form.querySelectorAll(FIELD)).some((field) => keepsTyping(field, counterpart(field, fresh.closest("form")))));
    },
    beforeNodeAdded: (node) => !(node.id && document.getElementById(node.id)?.matches("form.editor")),
    beforeNodeRemoved(node) {
      if (node.nodeType === 1 && node.matches("form.editor")) return false;
      lostFocus ||= node.contains(document.activeElement);
      return true;
    },
  });
  const refocus = (event) => {
    const part = event.detail.target;
    if (!lostFocus || !part?.isConnected) return;
    lostFocus = false;
    if (document.activeElement !== body) return;
    if (!part.hasAttribute("tabindex")) part.setAttribute("tabindex", "-1");
    part.focus({ preventScroll: true });
  };
  body.addEventListener("htmx:oobAfterSwap", refocus);
  body.addEventListener("htmx:afterSwap", refocus);

  // Notices: one box for what went wrong, and a polite summary of what others changed.
  function notice(text) {
    const template = document.getElementById("notice-template");
    const region = document.getElementById("conflict-region");
    if (!template || !region) return announce(text);
    const box = template.content.firstElementChild.cloneNode(true);
    box.querySelector("[data-notice-text]").textContent = text;
    region.replaceChildren(box);
  }
  let said = [];
  let sayTimer = null;
  function announce(text, later = 0) {
    said.push(text);
    clearTimeout(sayTimer);
    sayTimer = setTimeout(() => {
      const region = document.getElementById("live-announcer");
      if (region) region.textContent = Array.from(new Set(said)).slice(-3).join(". ");
      said = [];
    }, later);
  }

  // The outbox ------------------------------------------------------------------------------------------------------
  // Every change (an hx-post, a keyboard or drag move) becomes an entry: operation id, URL, fields. Entries are sent
  // one after another, and kept in sessionStorage until the server answered them, so neither a swap of their form
  // nor a reload loses one. A request that does not get through (network, 502, 503, 504) is sent again with the same
  // id; any other server error keeps the id for a resend and says so. The server applies an id once. Sending the same
  // fields again while an entry waits is a resend of it; other fields are a new change with a new id.
  const STORE = `journey-board:outbox:${location.pathname}`;
  const RETRY_MS = [500, 1000, 2000, 4000, 8000];
  let outbox = [];
  try { outbox = JSON.parse(sessionStorage.getItem(STORE)) || []; } catch { /* none kept */ }
  const settled = new Map(); // operation id -> what waits for its answer (a keyboard move)
  let sending = false;
  const newOpId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

  function keep() {
    try { sessionStorage.setItem(STORE, JSON.stringify(outbox)); } catch { /* storage refused: memory only */ }
    const list = document.getElementById("outbox");
    if (!list) return;
    list.replaceChildren(...outbox.map((entry) => {
      const item = document.createElement("li");
      item.className = entry.failed ? "failed" : "pending";
      item.textContent = `${entry.failed ? list.dataset.msgFailed : list.dataset.msgSending} ${entry.label}`;
      if (entry.failed) item.append(Object.assign(document.createElement("button"), { type: "button", textContent: list.dataset.msgRetry, value: entry.op }));
      return item;
    }));
  }
  function send(url, fields, { form = "", label = "", repeatable = false, done = "", doneIn = "" } = {}) {
    const digest = JSON.stringify([url, fields]);
    let entry = repeatable ? null : outbox.find((waiting) => waiting.digest === digest);
    if (entry) entry.failed = false; // sent again as it was: the same change, tried again now
    else outbox.push((entry = { op: newOpId(), url, fields, digest, form, label, done, doneIn, tries: 0 }));
    entry.due = 0;
    keep();
    pump();
    return new Promise((resolve) => settled.set(entry.op, [...(settled.get(entry.op) || []), resolve]));
  }
  async function pump() {
    const entry = outbox.find((waiting) => !waiting.failed);
    if (sending || !entry) return;
    // Not due yet: its timer may have gone with the page it was set on (a reload), so set one here.
    if (entry.due > Date.now()) return void setTimeout(pump, entry.due - Date.now());
    sending = true;
    const csrf = JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
    const request = { method: "POST", redirect: "manual", headers: { "X-CSRFToken": csrf, "HX-Request": "true" },
      body: new URLSearchParams([...entry.fields, ["op_id", entry.op]]) };
    let response = null;
    try { response = await fetch(entry.url, request); } catch { /* it did not get through */ }
    sending = false;
    await answered(entry, response);
    pump();
  }
  async function answered(entry, response) {
    const status = response?.type === "opaqueredirect" ? 403 : response ? response.status : 0;
    if ([0, 502, 503, 504].includes(status) && entry.tries < RETRY_MS.length) {
      entry.due = Date.now() + RETRY_MS[entry.tries++];
      setTimeout(pump, RETRY_MS[entry.tries - 1]);
      return keep();
    }
    if (status === 0 || status >= 500) {
      entry.failed = true;
      keep();
      return notice(status ? messages.msgServerError : messages.msgOffline);
    }
    outbox = outbox.filter((other) => other !== entry);
    keep();
    const text = await response.text();
    const seq = Number(response.headers.get("X-Journey-Event-Seq"));
    const form = (entry.form && document.getElementById(entry.form)) || null;
    const line = form?.closest("[data-refusals]")?.querySelector("[role=alert]");
    if ((response.headers.get("Content-Type") || "").startsWith("text/plain")) (line ? (line.textContent = text) : notice(text));
    else if (status >= 400 && ![409, 422, 429].includes(status)) notice(messages.msgRefused);
    else if (!seq || seq > live.last) {
      if (seq) live.answered.add(seq);
      htmx.swap(body, text, { swapStyle: "none" });
    } else if (seq === live.last) {
      // This change's own push came first and showed it. What only this viewer sees (their actions, their form:
      // [data-viewer-part]) no push carries; the answer's copy is as new as the page, so it goes in still.
      const answer = document.createElement("template");
      answer.innerHTML = text;
      const own = Array.from(answer.content.children).filter((part) => part.hasAttribute("data-viewer-part"));
      if (own.length) htmx.swap(body, own.map((part) => part.outerHTML).join("\n"), { swapStyle: "none" });
    }
    if (status < 300 && line) line.textContent = "";
    // A form's data-done says what its change did, in its region's status line (kept with the entry: an answer or a
    // push may have swapped the form away). Said even when the socket's push showed the change first.
    const doneLine = entry.doneIn && document.getElementById(entry.doneIn);
    if (doneLine) doneLine.textContent = status < 300 ? entry.done : "";
    const detail = { status, fields: entry.fields, form: entry.form, step: response.headers.get("X-Journey-Step") };
    // On the form if it is still in the page (the answer may have swapped it away: a detached form bubbles nowhere).
    (form?.isConnected ? form : body).dispatchEvent(new CustomEvent("outbox:answered", { bubbles: true, detail }));
    (settled.get(entry.op) || []).forEach((resolve) => resolve({ status, text }));
    settled.delete(entry.op);
  }
  function resendFailed(op) {
    outbox.forEach((entry) => { if (entry.failed && (!op || entry.op === op)) Object.assign(entry, { failed: false, tries: 0, due: 0 }); });
    keep();
    pump();
  }
  // Every hx-post goes through the outbox; htmx has asked any hx-confirm question already, once.
  body.addEventListener("htmx:configRequest", (event) => {
    const { verb, elt, path, formData } = event.detail;
    if (verb !== "post" || isUpload(elt)) return;
    event.preventDefault();
    const fields = Array.from(formData).filter(([name]) => name !== "op_id").map(([name, value]) => [name, String(value)]);
    const named = fields.find(([name]) => ["title", "label", "text"].includes(name))?.[1];
    const action = (elt.querySelector("[type=submit]") || elt).textContent.trim();
    const doneIn = elt.dataset.done ? elt.closest("[data-refusals]")?.querySelector("[role=status][id]")?.id || "" : "";
    send(path, fields, { form: elt.id || "", label: named ? `${action}: ${named}` : action, repeatable: elt.matches("[data-repeatable]"), done: elt.dataset.done || "", doneIn });
  });
  // A file cannot wait in the outbox (sessionStorage holds text): htmx sends an upload as it is, once; its answer's
  // parts are swapped in like any other (a 422 too: it names the bad lines), and the region's lines say how it went.
  const isUpload = (elt) => elt?.getAttribute?.("hx-encoding") === "multipart/form-data";
  body.addEventListener("htmx:beforeSwap", (event) => {
    if (isUpload(event.detail.requestConfig?.elt) && event.detail.xhr.status === 422) Object.assign(event.detail, { shouldSwap: true, isError: false });
  });
  body.addEventListener("htmx:afterRequest", (event) => {
    const { elt, xhr, successful } = event.detail;
    if (!isUpload(elt)) return;
    const region = elt.closest("[data-refusals]");
    const alertLine = region?.querySelector("[role=alert]");
    const doneLine = region?.querySelector("[role=status][id]");
    const status = xhr?.status || 0;
    const plain = (xhr?.getResponseHeader("Content-Type") || "").startsWith("text/plain");
    if (doneLine) doneLine.textContent = successful && status < 300 ? elt.dataset.done || "" : "";
    if (status < 300 && alertLine) alertLine.textContent = "";
    else if (plain) (alertLine ? (alertLine.textContent = xhr.responseText) : notice(xhr.responseText));
    else if ((!status || status >= 500) && alertLine) alertLine.textContent = elt.dataset.failed || "";
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("#outbox button");
    if (button) resendFailed(button.value);
  });
  window.addEventListener("online", () => resendFailed());
  window.journeyOutbox = { send };
  keep();
  pump(); // what a reload found unsent

  // Sockets ---------------------------------------------------------------------------------------------------------
  // A page has a socket per element [data-socket-kind] (htmx's ws extension): the journey's, and doorbells (the bell
  // in the header, the dashboard, the owners' list). Journey frames are HTML, each starting with
  // <div id="board-seq" data-seq data-base data-kind ...>; one applies when it follows on from the last seq applied
  // (base <= last < seq). One that comes early (pushes fanned out by several processes arrive out of order) waits
  // until the gap fills; a gap that stays, or a heartbeat announcing a seq beyond ours, asks for a catch-up. A
  // doorbell socket gets JSON: a doorbell, or the marker of what its region would show now; the region (named by
  // data-marker-of) refetches itself on the socket's data-refresh event.
  const live = { last: Number(document.getElementById("board-seq")?.dataset.seq || 0), answered: new Set() };
  window.journeyLive = live;
  const HEADER = /^\s*<div id="board-seq"[^>]*? data-seq="(\d+)" data-base="(\d+)" data-kind="(\w+)" data-actor="(\d*)" data-summary="([^"]*)"/;
  const FINAL = [4009, 4029, 4403, 4404]; // live/close_codes.py: this page's socket ends for good
  const early = new Map(); // seq -> a frame (or its follow-up, "seq+") that came before the frames it follows
  let askedAt = 0;
  let gapTimer = null;
  htmx.config.wsReconnectDelay = () => 500 + Math.random() * 1500; // prompt, and spread: 50 browsers, not one instant

  document.querySelectorAll("[data-socket-kind]").forEach((root) => {
    const beatMs = Number(root.dataset.heartbeatSeconds || 15) * 1000;
    const journey = root.dataset.socketKind === "journey";
    let socket = null; // the extension's socket wrapper
    let current = null; // the WebSocket of that wrapper we consider live
    let lastHeard = Date.now();
    const showState = (state) => (root.dataset.status ? document.querySelectorAll(root.dataset.status) : []).forEach((indicator) => {
      const text = indicator.querySelector(".live-text");
      indicator.dataset.state = state;
      if (text) text.textContent = text.dataset[state];
    });
    root.addEventListener("htmx:wsOpen", (event) => {
      socket = event.detail.socketWrapper;
      current = event.detail.event.target;
      lastHeard = Date.now();
      showState("live");
      if (journey) live.ask = (type) => { askedAt = Date.now(); socket.send(JSON.stringify({ type, seq: live.last })); };
      if (journey) live.ask("hello");
    });
    root.addEventListener("htmx:wsBeforeMessage", (event) => {
      event.preventDefault(); // frames are applied here, in order
      lastHeard = Date.now();
      const message = event.detail.message;
      if (journey) return receive(message, root);
      const { doorbell, marker } = JSON.parse(message);
      const shown = document.querySelector(root.dataset.markerOf)?.dataset.marker;
      if (doorbell || (marker && marker !== shown)) htmx.trigger(body, root.dataset.refresh);
    });
    // Reconnecting: the extension retries after an abnormal close (a cut, a server restart) with the delay above;
    // this does the rest: after a clean close (daphne's websocket_timeout) or a signed-out one (4401, checked afresh),
    // when the browser is back online, and when a socket it still believes open has gone silent for two beats.
    function reconnect() {
      if (!socket) return;
      if (current) Object.assign(current, { onclose: null }).close(); // its close must not schedule another one
      current = null;
      socket.reconnect();
    }
    root.addEventListener("htmx:wsClose", (event) => {
      const { code, target } = event.detail.event;
      if (target !== current) return; // a socket we replaced ourselves
      current = null;
      showState("offline");
      if (!FINAL.includes(code) && ![1005, 1006, 1011, 1012, 1013].includes(code)) setTimeout(reconnect, htmx.config.wsReconnectDelay());
    });
    window.addEventListener("online", () => setTimeout(reconnect, Math.random() * 500));
    setInterval(() => { if (current && Date.now() - lastHeard > beatMs * 2) reconnect(); }, 1000);
  });

  function resync() {
    if (Date.now() - askedAt > 1000) live.ask?.("resync"); // an answer is on its way: a second one would only repeat it
  }
  function receive(message, root) {
    const header = HEADER.exec(message);
    if (!header) return swap(message, root); // presence
    const [seq, base, kind, actor, summary] = [Number(header[1]), Number(header[2]), header[3], header[4], header[5]];
    if (kind === "heartbeat") {
      if (seq > live.last) setTimeout(() => { if (seq > live.last) resync(); }, 500); // a push may be on its way
    } else if (kind === "followup") { // what the change did to the whole board: on top of exactly that change
      if (seq === live.last) swap(message, root);
      else if (seq > live.last) early.set(`${seq}+`, message);
    } else if (base > live.last) { // early: wait for the frames before it, then ask
      early.set(seq, message);
      clearTimeout(gapTimer);
      gapTimer = setTimeout(() => { if (early.size) resync(); }, 1000);
      if (early.size > 20) resync();
    } else if (seq > live.last || (seq === live.last && kind !== "push")) {
      apply(message, root, seq, kind, actor, summary);
    }
  }
  function apply(message, root, seq, kind, actor, summary) {
    live.last = seq;
    if (kind === "push" && live.answered.delete(seq)) { // our own request's answer showed this change already
      document.getElementById("board-seq")?.setAttribute("data-seq", String(seq));
    } else {
      live.answered.clear(); // this frame may overwrite what those answers showed: their pushes must apply
      swap(message, root);
    }
    if (kind === "snapshot") htmx.trigger(body, "board-snapshot"); // parts no frame carries fetch themselves again
    if (kind === "push" && actor && actor !== root.dataset.userId) announce(decode(summary), 1000);
    const followUp = early.get(`${seq}+`);
    [...early.keys()].forEach((key) => { if (parseInt(key, 10) <= seq) early.delete(key); });
    if (followUp) swap(followUp, root);
    const next = Math.min(...[...early.keys()].filter((key) => typeof key === "number"));
    if (!early.has(next)) return;
    const frame = early.get(next);
    early.delete(next);
    receive(frame, root);
  }
  function swap(message, root) {
    htmx.swap(root, message, { swapStyle: "none" });
    message.match(/data-live-event="[\w-]+"/g)?.forEach((event) => htmx.trigger(body, event.slice(17, -1)));
  }
  function decode(text) {
    const area = document.createElement("textarea");
    area.innerHTML = text;
    return area.value;
  }

  // An answer to a GET rendered under an older state than the page shows is fetched again, never swapped in.
  body.addEventListener("htmx:beforeSwap", (event) => {
    const { xhr, requestConfig, target } = event.detail;
    const seq = Number(xhr.getResponseHeader("X-Journey-Seq"));
    if (!seq || seq >= live.last || requestConfig?.verb !== "get") return;
    event.detail.shouldSwap = false;
    htmx.ajax("GET", requestConfig.path, { source: requestConfig.elt, target });
  });
})();
