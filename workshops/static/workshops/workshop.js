// Workshop tools in the browser: the shared timer counted down on the server's clock, a participant's own dots, and
// time's up (on screen and, where the browser allows, a sound). The facilitator's "present this step" is followed in
// boards/wall.js. Everything else arrives over the socket.
(function () {
  "use strict";
  const timerAtLoad = document.getElementById("workshop-timer");
  if (!timerAtLoad) return;
  const isProjector = document.body.dataset.role === "projector";
  const bar = document.querySelector(".facilitation-bar");

  // Server clock. offset = server time - browser time, first from the rendered page, then measured with a small
  // request (the midpoint of the round trip), best of three. Deadlines are server timestamps; the browser's own
  // clock may be minutes off and is only used to measure elapsed time.
  let offsetMs = Number(timerAtLoad.dataset.serverNowMs) - Date.now() || 0;
  let bestRoundTrip = Infinity;
  function measureClock() {
    const sent = Date.now();
    return fetch(timerAtLoad.dataset.clockUrl, { cache: "no-store" }).then((response) => response.json()).then((data) => {
      const received = Date.now();
      if (received - sent > bestRoundTrip) return;
      bestRoundTrip = received - sent;
      offsetMs = data.now - (sent + received) / 2;
      document.body.dataset.clockOffsetMs = String(Math.round(offsetMs));
    }).catch(() => {});
  }
  measureClock().then(measureClock).then(measureClock);
  document.body.addEventListener("htmx:wsOpen", () => measureClock());

  function tick() {
    const timer = document.getElementById("workshop-timer");
    let remaining = Number(timer.dataset.remainingMs || 0);
    if (timer.dataset.status === "running" || timer.dataset.status === "done") {
      remaining = Number(timer.dataset.deadlineMs) - (Date.now() + offsetMs);
      const done = remaining <= 0;
      timer.classList.toggle("status-done", done);
      timer.classList.toggle("status-running", !done);
      if (done) timer.querySelector(".timer-status").textContent = timer.dataset.labelDone;
      if (done && shownFor !== timer.dataset.deadlineMs) timeIsUp(remaining, timer.dataset.deadlineMs);
    }
    const total = Math.max(0, Math.ceil(remaining / 1000));
    const text = `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
    const display = timer.querySelector("[data-timer-display]");
    if (display.textContent !== text) display.textContent = text;
  }
  setInterval(tick, 250);

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
  tick();

  // A participant's own dots: the pushed voting panel is the same for everyone, so after each voting update this
  // browser asks for its own dots and marks them (and disables "+" when none are left). A swapped panel shows the
  // last known dots at once; the parts of one frame or answer cause one request, and updates arriving while it runs
  // one more, not one each.
  let myDots = null;
  let loading = null;
  let again = false;
  let scheduled = null;
  function showMyDots() {
    const panel = document.getElementById("voting-panel");
    if (!myDots || !panel || String(myDots.round) !== panel.dataset.round) return;
    panel.querySelectorAll("[data-my-dots]").forEach((slot) => {
      const count = myDots.mine[slot.dataset.myDots] || 0;
      slot.textContent = "●".repeat(count);
      slot.title = slot.ariaLabel = count ? `${count}` : "";
      slot.closest(".vote-row").querySelector("[data-remove-dot]").disabled = count === 0;
    });
    panel.querySelectorAll("[data-place-dot]").forEach((button) => { button.disabled = myDots.dots_left === 0; });
    const left = document.querySelector("[data-my-dots-left]");
    if (left) left.textContent = myDots.dots_left === 1 ? bar.dataset.msgOneDotLeft : bar.dataset.msgDotsLeft.replace("{count}", myDots.dots_left);
  }
  function refreshMyDots() {
    showMyDots();
    scheduled ??= setTimeout(loadMyDots, 0);
  }
  function loadMyDots() {
    scheduled = null;
    const panel = document.getElementById("voting-panel");
    if (isProjector || panel?.dataset.open !== "1") return;
    if (loading) { again = true; return; }
    loading = fetch(panel.dataset.mineUrl, { cache: "no-store" }).then((response) => response.json())
      .then((mine) => { myDots = mine; showMyDots(); }).catch(() => {})
      .finally(() => { loading = null; if (again) { again = false; loadMyDots(); } });
  }

  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    const id = event.detail.target.id;
    if (id === "voting-panel" || id === "voting-status") refreshMyDots();
    if (id === "workshop-timer") {
      if (document.getElementById("workshop-timer")?.dataset.status !== "done") hideTimesUp(); // the swapped-in one
      tick();
    }
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-voting]")) document.getElementById("voting-panel").hidden = true;
  });
  refreshMyDots();
})();
