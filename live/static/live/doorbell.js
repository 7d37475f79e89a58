// The socket of a page that refetches a region when a doorbell rings (the manager dashboard, the owners' list).
// Each heartbeat carries the marker the region would be rendered under now: when it differs from the one the region
// shows, the page refetches (a doorbell may have been dropped). After a reconnect it refetches once (doorbells rung
// while away are lost); after two beats of silence it reconnects; 4403 (not allowed any more) ends it.
window.openDoorbell = function (options) {
  "use strict";
  const { path, heartbeatSeconds, markerShown, refresh, show } = options;
  const beatMs = (Number(heartbeatSeconds) || 15) * 1000;
  let delay = 1000;
  let socket = null;
  let silence = null;

  function expectBeat() {
    clearTimeout(silence);
    // Two beats of silence: the socket is dead without knowing it. Closing it reconnects.
    silence = setTimeout(() => socket && socket.close(), beatMs * 2.5);
  }
  function receive(event) {
    expectBeat();
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (message.doorbell) refresh();
    else if (message.marker && message.marker !== markerShown()) refresh();
  }
  function connect(isRetry) {
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
    socket.addEventListener("open", () => {
      delay = 1000;
      show("live");
      expectBeat();
      if (isRetry) refresh();
    });
    socket.addEventListener("message", receive);
    socket.addEventListener("close", (event) => {
      clearTimeout(silence);
      show("offline");
      if (event.code === 4403) return;
      setTimeout(() => connect(true), delay + Math.random() * delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect(false);
};
