// The live board: keeps this page in step with every other participant over the htmx ws extension.
// Each frame from the server starts with <div id="board-seq" data-seq data-base data-kind ...>. We apply a frame
// only when it follows on from the last sequence number we applied (base <= last < seq); older ones and duplicates
// are dropped, and a gap makes us ask for a catch-up. HTTP responses swap the same fragments but never move `last`:
// only the socket stream does.
(function () {
  "use strict";
  const root = document.getElementById("live-board");
  if (!root) return;
  const HEADER = /^\s*<div id="board-seq"[^>]*? data-seq="(\d+)" data-base="(\d+)" data-kind="(\w+)" data-actor="(\d*)" data-summary="([^"]*)"/;
  const NO_RETRY = [1009, 4009, 4029, 4403, 4404]; // see live/close_codes.py
  const heartbeatMs = Number(root.dataset.heartbeatSeconds || 15) * 1000;
  const me = root.dataset.userId;
  let last = Number(document.getElementById("board-seq")?.dataset.seq || 0);
  let socket = null; // the htmx socket wrapper
  let current = null; // the WebSocket of that wrapper we consider live
  let lastHeard = Date.now();
  let resyncAskedAt = 0;

  function send(type) {
    if (socket) socket.send(JSON.stringify({ type, seq: last }));
  }
  function askResync() {
    if (Date.now() - resyncAskedAt < 5000) return; // one request in flight is enough
    resyncAskedAt = Date.now();
    send("resync");
  }

  root.addEventListener("htmx:wsOpen", (event) => {
    socket = event.detail.socketWrapper;
    current = event.detail.event.target;
    lastHeard = Date.now();
    resyncAskedAt = Date.now();
    send("hello");
  });

  root.addEventListener("htmx:wsBeforeMessage", (event) => {
    lastHeard = Date.now();
    answerSeq = null; // an answer's swap ran to its end in an earlier task
    const header = HEADER.exec(event.detail.message);
    if (!header) return; // presence and other frames without a sequence number
    const [seq, base, kind, actor, summary] = [Number(header[1]), Number(header[2]), header[3], header[4], header[5]];
    if (kind === "heartbeat") {
      event.preventDefault();
      // The push may still be on its way: look again shortly before asking.
      if (seq > last) setTimeout(() => { if (seq > last) askResync(); }, 1500);
      return;
    }
    if (kind === "followup") { // what the change at `seq` did to the whole board: only on top of exactly that seq
      if (seq !== last) event.preventDefault();
      return;
    }
    if (kind !== "push") resyncAskedAt = 0;
    if (seq < last || (seq === last && kind === "push")) { event.preventDefault(); return; } // stale or duplicate
    if (base > last) { event.preventDefault(); askResync(); return; } // a gap: something was dropped
    const alreadyShown = kind === "push" && appliedByRequest.has(seq);
    last = seq;
    if (alreadyShown) { // our own request's answer showed this change already
      appliedByRequest.delete(seq);
      event.preventDefault();
      document.getElementById("board-seq")?.setAttribute("data-seq", String(seq));
    } else {
      appliedByRequest.clear(); // this frame may overwrite what those answers showed: their pushes must apply
    }
    refreshDrawer = kind === "snapshot";
    if (kind === "push" && actor && actor !== me) queueAnnouncement(decode(summary));
  });

  // Our own change comes back twice: in the answer to its request and as a push. Swapping both would apply the same
  // change twice (and, when the answer lands after newer pushes, roll the page back). Each change's answer carries
  // its seq (X-Journey-Event-Seq): an answer the stream already covers is not swapped, and a push whose change an
  // answer already showed only moves `last` (unless something older was swapped in since). The answer may be swapped
  // while its form is no longer on the page, so its seq is read from the request itself, just before htmx handles
  // the answer (same task, before "load").
  const appliedByRequest = new Set();
  let answerSeq = null;
  document.body.addEventListener("htmx:beforeSend", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr) return;
    xhr.addEventListener("readystatechange", () => {
      if (xhr.readyState !== XMLHttpRequest.DONE) return;
      const seq = Number(xhr.getResponseHeader("X-Journey-Event-Seq"));
      if (!seq) return;
      answerSeq = seq;
      setTimeout(() => { answerSeq = null; }, 0); // htmx swaps the answer synchronously in this same task
      if (seq <= last) return;
      appliedByRequest.forEach((shown) => { if (shown > seq) appliedByRequest.delete(shown); }); // older answer last
      appliedByRequest.add(seq);
    });
  });
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    if (answerSeq !== null && answerSeq <= last) event.preventDefault(); // the socket brought this change already
  });

  // A whole-board snapshot brings the map up to date, not the open step's details: fetch those again. Other pages'
  // parts that no push carries (a pain point page's own actions) listen for "board-snapshot" and refetch themselves.
  let refreshDrawer = false;
  root.addEventListener("htmx:wsAfterMessage", () => {
    if (!refreshDrawer) return;
    refreshDrawer = false;
    document.body.dispatchEvent(new CustomEvent("board-snapshot"));
    const open = document.querySelector("#drawer.open [data-step-id]");
    if (open) htmx.ajax("GET", `/j/${document.body.dataset.journeyId}/steps/${open.dataset.stepId}/`, { target: "#drawer" });
  });

  // Say what others changed, politely and summarised: one sentence per burst, not one per fragment.
  let pending = [];
  let flushTimer = null;
  function queueAnnouncement(text) {
    if (!text) return;
    pending.push(text);
    clearTimeout(flushTimer);
    flushTimer = setTimeout(() => {
      const distinct = Array.from(new Set(pending));
      pending = [];
      const region = document.getElementById("live-announcer");
      if (region) region.textContent = distinct.slice(-3).join(". ");
    }, 1000);
  }
  function decode(text) {
    const area = document.createElement("textarea");
    area.innerHTML = text;
    return area.value;
  }

  // Reconnect where the extension does not: after a clean close (daphne's websocket_timeout, a server restart)
  // and when the server has gone silent (no heartbeat) on a socket the browser still believes open.
  function reconnect() {
    if (!socket) return;
    current = null;
    socket.reconnect();
  }
  root.addEventListener("htmx:wsClose", (event) => {
    const code = event.detail.event.code;
    if (event.detail.event.target !== current) return; // a socket we replaced ourselves
    current = null;
    if ([1006, 1011, 1012, 1013].includes(code) || NO_RETRY.includes(code)) return; // the extension decides
    setTimeout(reconnect, 500 + Math.random() * 2000);
  });
  setInterval(() => {
    if (current && Date.now() - lastHeard > heartbeatMs * 2) reconnect();
  }, 5000);
})();
