// The bell in the header refetches itself (and an open inbox its list) when its doorbell rings: live.js, hx-trigger
// "bell-refresh". When the count of unread notifications grows, screen readers hear it.
(function () {
  "use strict";
  const announcer = document.getElementById("bell-announcer");
  let before = 0;
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target?.id === "notification-bell") before = Number(event.detail.target.dataset.unread || 0);
  });
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const bell = event.detail.target; // none for an answer live.js swaps in with htmx.swap (out of band only)
    if (bell?.id !== "notification-bell" || Number(bell.dataset.unread || 0) <= before || !announcer) return;
    announcer.textContent = `${document.getElementById("bell-slot").dataset.msgNew} ${bell.textContent.trim()}`;
  });
})();
