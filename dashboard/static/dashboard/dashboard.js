// The live manager dashboard. The socket (doorbell.js) rings when a pain point changes somewhere, or its heartbeat
// brings a marker (the latest change) the body was not rendered under; the body then refetches itself (hx-get with
// this page's filters, debounced by htmx), so the server renders once per filter.
(function () {
  "use strict";
  const path = document.body.dataset.dashboardSocket;
  const state = document.getElementById("dash-live");
  if (!path || !state) return;
  const text = state.querySelector(".live-text");

  window.openDoorbell({
    path,
    heartbeatSeconds: document.body.dataset.heartbeat,
    markerShown: () => document.getElementById("dashboard-body")?.dataset.marker,
    refresh: () => document.body.dispatchEvent(new CustomEvent("dashboard-doorbell")),
    show: (name) => {
      state.dataset.state = name;
      text.textContent = name === "live" ? text.dataset.live : text.dataset.offline;
    },
  });

  // Printing shows the numbers behind every chart.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details.numbers").forEach((details) => { details.open = true; });
  });
})();
