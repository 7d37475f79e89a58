// The live manager dashboard. The socket only rings a doorbell when a pain point changes somewhere; the body then
// refetches itself (hx-get with this page's filters, debounced by htmx), so the server renders once per filter.
(function () {
  "use strict";
  const path = document.body.dataset.dashboardSocket;
  const state = document.getElementById("dash-live");
  if (!path || !state) return;
  const text = state.querySelector(".live-text");
  let delay = 1000;

  function show(name) {
    state.dataset.state = name;
    text.textContent = name === "live" ? text.dataset.live : text.dataset.offline;
  }
  function ring() {
    document.body.dispatchEvent(new CustomEvent("dashboard-doorbell"));
  }
  function connect(isRetry) {
    const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
    socket.addEventListener("open", () => {
      delay = 1000;
      show("live");
      if (isRetry) ring(); // doorbells rung while we were away are lost: catch up once
    });
    socket.addEventListener("message", ring);
    socket.addEventListener("close", (event) => {
      show("offline");
      if (event.code === 4403) return; // not a manager (any more): do not knock again
      setTimeout(() => connect(true), delay + Math.random() * delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect(false);

  // Printing shows the numbers behind every chart.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details.numbers").forEach((details) => { details.open = true; });
  });
})();
