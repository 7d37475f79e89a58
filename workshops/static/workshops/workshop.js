// Workshop tools in the browser: the shared timer counted down on the server's clock, a participant's own dots,
// time's up (on screen and, where the browser allows, a sound), and catching up after a reconnect. The facilitator's
// "present this step" is followed in boards/wall.js.
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
      if (done && shownFor !== timer.dataset.deadlineMs) timeIsUp(remaining, timer.dataset.deadlineMs);
      timer.classList.toggle("status-done", done);
      timer.classList.toggle("status-running", !done);
      if (done) timer.querySelector(".timer-status").textContent = timer.dataset.labelDone;
    }
    const text = formatSeconds(remaining);
    if (display.textContent !== text) display.textContent = text;
  }
  // Time's up: a large message (and three beeps where the browser lets a page play sound) when the countdown ends
  // while the page is open, or ended less than a minute ago; it goes once the facilitator resets or restarts it.
  const timesUp = document.getElementById("times-up");
  let shownFor = null; // the deadline whose end was shown: once each, however often the page ticks
  function timeIsUp(remaining, deadline) {
    shownFor = deadline;
    if (!timesUp || remaining < -60000) return;
    timesUp.hidden = false;
    beep();
  }
  function hideTimesUp() {
    if (timesUp) timesUp.hidden = true;
  }
  let audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      [0, 0.45, 0.9].forEach((start) => {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, audio.currentTime + start);
        gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + start + 0.35);
        tone.connect(gain).connect(audio.destination);
        tone.start(audio.currentTime + start);
        tone.stop(audio.currentTime + start + 0.4);
      });
    } catch {
      // No sound here: the message on screen says it.
    }
  }
  // A browser lets a page make sound only after someone used it: unlock it on the first click or key.
  const unlock = () => {
    try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); } catch { /* no sound */ }
  };
  document.addEventListener("pointerdown", unlock, { once: true });
  document.addEventListener("keydown", unlock, { once: true });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-times-up-close]")) hideTimesUp();
    const qr = event.target.closest("[data-qr-toggle]");
    if (qr) {
      const panel = document.getElementById("qr-panel");
      panel.hidden = !panel.hidden;
      document.querySelectorAll("[data-qr-toggle][aria-expanded]").forEach((b) => b.setAttribute("aria-expanded", String(!panel.hidden)));
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && timesUp && !timesUp.hidden) hideTimesUp();
    if (event.key === "Escape" && document.getElementById("qr-panel") && !document.getElementById("qr-panel").hidden) {
      document.getElementById("qr-panel").hidden = true;
    }
  });
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

  // htmx fires oobAfterSwap on every element swapped so far in the same response or frame: act once per fragment,
  // on the element that was just swapped in.
  function afterUpdate(event) {
    const target = event.detail.target;
    if (!target || event.target.id !== target.id) return;
    if (target.id === "voting-panel" || target.id === "voting-status") refreshMyDots();
    if (target.id === "workshop-timer") {
      if (document.getElementById("workshop-timer")?.dataset.status !== "done") hideTimesUp(); // the swapped-in one
      tick();
    }
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
})();
