// The live owners' list ("Pain points for my departments"). The socket rings a doorbell when a pain point of one of
// my departments changes, and each heartbeat carries the marker of my list as it is now; the rows region then
// refetches itself with this page's own filters (the URL's), rendered by the same partial as the first page, so a
// reload shows what the live page shows. The layer may drop a doorbell: the marker, compared at every heartbeat and
// on every (re)connect, makes the page converge. Only the rows region is swapped, and only when something in it
// changed; focus stays on the same row (or its nearest neighbour), and the change is announced politely.
(function () {
  "use strict";
  const region = document.getElementById("owner-list");
  const state = document.getElementById("owner-live");
  const announcer = document.getElementById("owner-announcer");
  if (!region || !state || !announcer) return;
  const text = state.querySelector(".live-text");
  let debounce = null;
  let fetching = false;
  let again = false;
  let stopped = false;
  let signatures = rowSignatures(currentBody());

  function currentBody() {
    return document.getElementById("owner-list-body");
  }
  function rowSignatures(body) {
    const rows = new Map();
    if (body) body.querySelectorAll(".owner-row").forEach((row) => rows.set(row.id, row.outerHTML));
    return rows;
  }
  function show(name) {
    state.dataset.state = name;
    text.textContent = name === "live" ? text.dataset.live : text.dataset.offline;
  }

  // Refetching ---------------------------------------------------------------------------------------------------
  function refresh() {
    clearTimeout(debounce);
    debounce = setTimeout(fetchRows, 250); // a burst of changes costs one request
  }
  async function fetchRows() {
    if (stopped) return;
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const response = await fetch(region.dataset.rowsUrl + location.search, { credentials: "same-origin" });
      if (response.redirected || response.status === 400) {
        stopped = true; // logged out, or filters the page already refuses with a message
      } else if (response.ok) {
        swap(await response.text());
      }
    } catch (error) {
      // The network is down: the socket reconnects, and its first marker brings the rows up to date.
    } finally {
      fetching = false;
      if (again) {
        again = false;
        fetchRows();
      }
    }
  }

  // Swapping only what changed, keeping focus ----------------------------------------------------------------------
  function swap(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const next = template.content.getElementById("owner-list-body");
    const current = currentBody();
    if (!next || !current) return;
    const after = rowSignatures(next);
    const changes = compare(signatures, after);
    const countChanged = textOf(current, "#owner-count") !== textOf(next, "#owner-count");
    signatures = after;
    if (!changes.added.length && !changes.changed.length && !changes.removed.length && !countChanged) {
      current.dataset.marker = next.dataset.marker; // nothing to show: leave the DOM (and focus) alone
      return;
    }
    const focus = rememberFocus(current);
    current.replaceWith(next);
    restoreFocus(focus, next);
    [...changes.added, ...changes.changed].forEach((id) => {
      const row = document.getElementById(id);
      if (row) row.classList.add("just-changed");
    });
    announce(changes);
  }
  function textOf(root, selector) {
    const element = root.querySelector(selector);
    return element ? element.textContent : "";
  }
  function compare(before, after) {
    const changes = { added: [], changed: [], removed: [] };
    after.forEach((html, id) => {
      if (!before.has(id)) changes.added.push(id);
      else if (before.get(id) !== html) changes.changed.push(id);
    });
    before.forEach((_html, id) => {
      if (!after.has(id)) changes.removed.push(id);
    });
    return changes;
  }
  function rememberFocus(body) {
    const active = document.activeElement;
    if (!active || !body.contains(active)) return null;
    const ids = Array.from(body.querySelectorAll(".owner-row"), (row) => row.id);
    const row = active.closest(".owner-row");
    if (!row) return { candidates: [] };
    const at = ids.indexOf(row.id);
    // The same row, else the next one down, else the nearest one above.
    return { candidates: [row.id, ...ids.slice(at + 1), ...ids.slice(0, at).reverse()] };
  }
  function restoreFocus(focus, body) {
    if (!focus) return;
    for (const id of focus.candidates) {
      const row = document.getElementById(id);
      if (row && body.contains(row)) {
        (row.querySelector("a, button, [tabindex]") || row).focus({ preventScroll: true });
        return;
      }
    }
    body.setAttribute("tabindex", "-1");
    body.focus({ preventScroll: true });
  }
  function announce(changes) {
    const texts = announcer.dataset;
    const parts = [texts.msgUpdated];
    if (changes.added.length) parts.push(`${texts.msgAdded} ${changes.added.length}.`);
    if (changes.changed.length) parts.push(`${texts.msgChanged} ${changes.changed.length}.`);
    if (changes.removed.length) parts.push(`${texts.msgRemoved} ${changes.removed.length}.`);
    announcer.textContent = "";
    setTimeout(() => {
      announcer.textContent = parts.join(" ");
    }, 50); // a fresh text node, so the same sentence twice is read twice
  }

  // The socket (doorbell.js) ---------------------------------------------------------------------------------------
  window.openDoorbell({
    path: region.dataset.socket,
    heartbeatSeconds: region.dataset.heartbeat,
    markerShown: () => currentBody()?.dataset.marker,
    refresh,
    show,
  });
})();
