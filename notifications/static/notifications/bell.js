// The bell in the header: a doorbell socket (live/doorbell.js) tells this page when the person's notifications
// changed; the page then refetches its bell (and, on the inbox, the list) and says so to screen readers. The
// socket's heartbeat carries the bell's marker, so a missed doorbell shows within a heartbeat.
(function () {
  "use strict";
  const slot = document.getElementById("bell-slot");
  if (!slot || !window.openDoorbell) return;
  const announcer = document.getElementById("bell-announcer");
  let inFlight = false;
  let again = false;

  const bell = () => document.getElementById("notification-bell");

  async function fetchHtml(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) throw new Error(String(response.status));
    return response.text();
  }

  function replace(element, html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.firstElementChild;
    if (element && fresh) element.replaceWith(fresh);
    return fresh;
  }

  async function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    try {
      const before = Number(bell()?.dataset.unread || 0);
      const hadFocus = document.activeElement === bell();
      const fresh = replace(bell(), await fetchHtml(slot.dataset.bellUrl));
      if (hadFocus) fresh?.focus();
      const after = Number(fresh?.dataset.unread || 0);
      if (after > before && announcer) announcer.textContent = `${slot.dataset.msgNew} ${fresh.textContent.trim()}`;
      const inbox = document.getElementById("inbox");
      if (inbox && after !== before) replace(document.getElementById("inbox-list"), await fetchHtml(inbox.dataset.refreshUrl));
    } catch (error) {
      // Offline or logged out: the next heartbeat compares the marker again.
    } finally {
      inFlight = false;
      if (again) { again = false; refresh(); }
    }
  }

  window.openDoorbell({
    path: slot.dataset.socket,
    heartbeatSeconds: slot.dataset.heartbeatSeconds,
    markerShown: () => bell()?.dataset.marker || "",
    refresh,
    show: (state) => { slot.dataset.state = state; },
  });
})();
