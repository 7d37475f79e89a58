// Workshop tools in the browser: the shared timer counted down on the server's clock, a participant's own dots,
// the facilitator's focus (sent on the board, followed on the projector), and catching up after a reconnect.
(function () {
  "use strict";
  const body = document.body;
  const journeyId = body.dataset.journeyId;
  if (!journeyId) return;
  const base = `/j/${journeyId}/workshop/`;
  const isProjector = body.dataset.role === "projector";
  const isFacilitator = !!document.querySelector('.facilitation-bar[data-role="facilitator"]');

  // Server clock. offset = server time - browser time, first from the rendered page, then measured with a small
  // request (the midpoint of the round trip), best of three. Deadlines are server timestamps; the browser's own
  // clock may be minutes off and is only used to measure elapsed time.
  let offsetMs = null;
  let bestRoundTrip = Infinity;
  const timerAtLoad = document.getElementById("workshop-timer");
  if (timerAtLoad && timerAtLoad.dataset.serverNowMs) offsetMs = Number(timerAtLoad.dataset.serverNowMs) - Date.now();
  function measureClock() {
    const sent = Date.now();
    return fetch(`${base}clock/`, { cache: "no-store", credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        const received = Date.now();
        if (received - sent <= bestRoundTrip) {
          bestRoundTrip = received - sent;
          offsetMs = data.now - (sent + received) / 2;
          body.dataset.clockOffsetMs = String(Math.round(offsetMs));
        }
      })
      .catch(() => {});
  }
  measureClock().then(measureClock).then(measureClock);

  function serverNow() {
    return Date.now() + (offsetMs || 0);
  }
  function formatSeconds(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
  }
  function tick() {
    const timer = document.getElementById("workshop-timer");
    if (!timer) return;
    const display = timer.querySelector("[data-timer-display]");
    let remaining = Number(timer.dataset.remainingMs || 0);
    if (timer.dataset.status === "running" || timer.dataset.status === "done") {
      remaining = Number(timer.dataset.deadlineMs) - serverNow();
      const done = remaining <= 0;
      timer.classList.toggle("status-done", done);
      timer.classList.toggle("status-running", !done);
      if (done) timer.querySelector(".timer-status").textContent = timer.dataset.labelDone;
    }
    const text = formatSeconds(remaining);
    if (display.textContent !== text) display.textContent = text;
  }
  setInterval(tick, 250);
  tick();

  // A participant's own dots: the pushed voting panel is the same for everyone, so after each voting update
  // this browser asks for its own dots and marks them (and disables "+" when none are left). A freshly swapped
  // panel shows the last known dots at once; the fragments of one frame or answer cause one request, and updates
  // arriving while it runs one more, not one each.
  const bar = document.querySelector(".facilitation-bar");
  const msgLeft = (n) => (n === 1 ? bar.dataset.msgOneDotLeft : bar.dataset.msgDotsLeft.replace("{count}", n));
  let myDots = null;
  let myDotsLoading = false;
  let myDotsAgain = false;
  let myDotsScheduled = false;
  function showMyDots() {
    const panel = document.getElementById("voting-panel");
    if (!myDots || !panel || String(myDots.round) !== panel.dataset.round) return;
    panel.querySelectorAll("[data-my-dots]").forEach((slot) => {
      const count = myDots.mine[slot.dataset.myDots] || 0;
      slot.textContent = "●".repeat(count);
      slot.title = slot.ariaLabel = count ? `${count}` : "";
      slot.closest(".vote-row").querySelector("[data-remove-dot]").disabled = count === 0;
    });
    panel.querySelectorAll("[data-place-dot]").forEach((button) => (button.disabled = myDots.dots_left === 0));
    const left = document.querySelector("[data-my-dots-left]");
    if (left) left.textContent = msgLeft(myDots.dots_left);
  }
  function refreshMyDots() {
    if (isProjector) return;
    showMyDots();
    if (myDotsScheduled) return;
    myDotsScheduled = true;
    setTimeout(loadMyDots, 0);
  }
  function loadMyDots() {
    myDotsScheduled = false;
    const panel = document.getElementById("voting-panel");
    if (!panel || panel.dataset.open !== "1") return;
    if (myDotsLoading) { myDotsAgain = true; return; }
    myDotsLoading = true;
    fetch(`${base}voting/mine/`, { cache: "no-store", credentials: "same-origin" })
      .then((response) => response.json())
      .then((mine) => { myDots = mine; showMyDots(); })
      .catch(() => {})
      .finally(() => {
        myDotsLoading = false;
        if (myDotsAgain) { myDotsAgain = false; loadMyDots(); }
      });
  }

  // The facilitator's focus: the board reports the step the facilitator opens; the projector highlights it (again
  // when a pushed map or card replaces the highlighted one).
  // Deferred past htmx's settle step, which puts a swapped card's server-rendered class back after ~20 ms.
  let focusTimer = null;
  function followFocus() {
    if (!isProjector) return;
    clearTimeout(focusTimer);
    focusTimer = setTimeout(highlightFocus, 60);
  }
  function highlightFocus() {
    const focus = document.getElementById("facilitator-focus");
    document.querySelectorAll(".step-card.focus").forEach((card) => card.classList.remove("focus"));
    const card = focus && focus.dataset.stepId && document.getElementById(`step-${focus.dataset.stepId}`);
    if (!card) return;
    card.classList.add("focus");
    card.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" });
  }
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (!isFacilitator || event.detail.target.id !== "drawer") return;
    const stepId = event.detail.target.querySelector("[data-step-id]")?.dataset.stepId;
    if (stepId) htmx.ajax("POST", `${base}focus/`, { values: { step: stepId }, swap: "none", source: body });
  });

  // htmx fires oobAfterSwap on every element swapped so far in the same response or frame: act once per fragment,
  // on the element that was just swapped in.
  function afterUpdate(event) {
    const target = event.detail.target;
    if (!target || event.target.id !== target.id) return;
    if (target.id === "voting-panel" || target.id === "voting-status") refreshMyDots();
    if (target.id === "facilitator-focus" || target.id === "board-map" || /^step-\d+$/.test(target.id)) followFocus();
    if (target.id === "workshop-timer") tick();
  }
  document.body.addEventListener("htmx:oobAfterSwap", afterUpdate);
  // A successful change clears the message line; a refused one (403, e.g. not the facilitator) shows why.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || !(event.detail.requestConfig?.path || "").startsWith(base)) return;
    const line = document.getElementById("workshop-message");
    if (line && event.detail.successful && xhr.status < 300) line.textContent = "";
    if (line && xhr.status === 403) line.textContent = xhr.responseText;
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-voting]")) document.getElementById("voting-panel").hidden = true;
  });

  // Catching up: a page with the live socket gets what it missed from the socket (live.js asks on every connect; the
  // catch-up and the whole-board snapshot include the workshop's parts). A page without one polls for the workshop
  // fragments as they are now (the timer's deadline included).
  const hasSocket = () => document.querySelector("[ws-connect], [hx-ext~='ws']");
  let seq = body.dataset.seq || document.getElementById("board-seq")?.dataset.seq || "";
  function catchUp() {
    const query = new URLSearchParams({ seq });
    if (isProjector) query.set("map", "1");
    return fetch(`${base}state/?${query}`, { cache: "no-store", credentials: "same-origin" }).then((response) => {
      seq = response.headers.get("X-Journey-Seq") || seq;
      if (response.status !== 200) return;
      return response.text().then((html) => {
        htmx.swap(document.body, html, { swapStyle: "none" }); // out-of-band parts only; oobAfterSwap follows
      });
    }).catch(() => {});
  }
  document.body.addEventListener("htmx:wsOpen", () => measureClock());
  const POLL_MS = 2000;
  setInterval(() => {
    if (!hasSocket() && document.visibilityState === "visible") catchUp();
  }, POLL_MS);

  refreshMyDots();
  followFocus();
})();
