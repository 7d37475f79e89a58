// The live owners' list ("Pain points for my departments"). Its rows region refetches itself when the socket rings
// or brings a marker the rows were not rendered under (live.js; hx-trigger "live-refresh"), with this page's own
// filters, and is morphed in: rows that did not change stay as they are, and so does the keyboard focus. What
// changed is marked and said politely; the focus of a row that left goes to its nearest neighbour.
(function () {
  "use strict";
  const announcer = document.getElementById("owner-announcer");
  if (!announcer) return;
  let before = null;
  const rows = (region) => new Map(Array.from(region.querySelectorAll(".owner-row"), (row) => [row.id, row.outerHTML.replace(" just-changed", "")]));

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target.id !== "owner-list-body") return;
    const ids = Array.from(event.detail.target.querySelectorAll(".owner-row"), (row) => row.id);
    const at = ids.indexOf(document.activeElement?.closest(".owner-row")?.id);
    before = { rows: rows(event.detail.target), focus: at < 0 ? [] : [...ids.slice(at + 1), ...ids.slice(0, at).reverse()] };
  });
  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target.id !== "owner-list-body" || !before) return;
    const after = rows(event.detail.target);
    const added = [...after.keys()].filter((id) => !before.rows.has(id));
    const changed = [...after.keys()].filter((id) => before.rows.has(id) && before.rows.get(id) !== after.get(id));
    const removed = [...before.rows.keys()].filter((id) => !after.has(id));
    [...added, ...changed].forEach((id) => document.getElementById(id)?.classList.add("just-changed"));
    if ([document.body, event.detail.target].includes(document.activeElement) && before.focus.length) {
      const next = before.focus.map((id) => document.getElementById(id)).find(Boolean);
      (next?.querySelector("a, button") || event.detail.target).focus({ preventScroll: true });
    }
    before = null;
    if (!added.length && !changed.length && !removed.length) return;
    const texts = announcer.dataset;
    const parts = [texts.msgUpdated];
    [[added, texts.msgAdded], [changed, texts.msgChanged], [removed, texts.msgRemoved]].forEach(([ids, text]) => {
      if (ids.length) parts.push(`${text} ${ids.length}.`);
    });
    announcer.textContent = "";
    setTimeout(() => { announcer.textContent = parts.join(" "); }, 50); // a fresh text node: the same sentence is read twice
  });
})();
