// Workshop tools in the browser: the shared timer counted down on the server's clock, a participant's own dots, and
// the facilitator's focus (sent from the board, followed on the projector). Everything else arrives over the socket.
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
    }
    const total = Math.max(0, Math.ceil(remaining / 1000));
    const text = `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
    const display = timer.querySelector("[data-timer-display]");
    if (display.textContent !== text) display.textContent = text;
  }
  setInterval(tick, 250);
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

  // The facilitator's focus: the board reports the step the facilitator opens; the projector highlights it (again
  // when a pushed map or card replaces the highlighted one's classes).
  function highlightFocus() {
    if (!isProjector) return;
    const stepId = document.getElementById("facilitator-focus")?.dataset.stepId;
    document.querySelectorAll(".step-card.focus").forEach((card) => card.classList.remove("focus"));
    const card = stepId && document.getElementById(`step-${stepId}`);
    card?.classList.add("focus");
    card?.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" });
  }
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const stepId = event.detail.target.id === "drawer" && event.detail.target.querySelector("[data-step-id]")?.dataset.stepId;
    if (stepId && bar?.dataset.focusUrl) window.journeyOutbox.send(bar.dataset.focusUrl, [["step", stepId]], { label: "" });
  });
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    const id = event.detail.target.id;
    if (id === "voting-panel" || id === "voting-status") refreshMyDots();
    if (id === "facilitator-focus" || id === "board-map" || /^step-\d+$/.test(id)) highlightFocus();
    if (id === "workshop-timer") tick();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-voting]")) document.getElementById("voting-panel").hidden = true;
  });
  refreshMyDots();
  highlightFocus();
})();
