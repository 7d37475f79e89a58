// The wall: the board as a whiteboard on a laptop, a projector and a phone.
// - the grid again at another size (the projector's fit, the board's "Fit"): the server lays the board out in
//   columns and lanes (data-column, data-row) at its default sizes; here the same grid is drawn to fill a screen;
// - pan and zoom: wheel, pinch, drag on empty space, keys, a minimap; far out the cards show only larger titles;
// - the facilitator's "present this step", followed by the projector and by whoever chose to follow;
// - the dots of a voting round on the cards.
// board.js keeps the drawer, the forms and moves; live.js the socket. Everything here re-applies itself whenever a
// push or an answer swaps part of the map (a MutationObserver), so a reload shows what live updates show.
(function () {
  "use strict";
  const body = document.body;
  const journeyId = body.dataset.journeyId;
  const scroller = document.getElementById("board-scroll");
  const zoomBox = document.getElementById("board-zoom-inner");
  if (!journeyId || !scroller || !zoomBox) return;
  const isProjector = body.dataset.role === "projector";
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const boardMap = () => document.getElementById("board-map");
  const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
  const wall = (window.JourneyWall = window.JourneyWall || {});

  // The grid ----------------------------------------------------------------------------------------------------
  function serverGrid(map) {
    const d = map.dataset;
    return {
      columns: Number(d.columns) || 0, rows: Number(d.rows) || 0,
      cardW: Number(d.cardWidth), cardH: Number(d.cardHeight), colW: Number(d.columnWidth),
      laneH: Number(d.laneHeight), headerW: Number(d.headerWidth), pad: Number(d.padding),
    };
  }
  // The same arrows as boards/geometry.py, for a grid of other sizes.
  function forwardArrow(a, b, g) {
    const x1 = a.x + g.cardW, y1 = a.y + g.cardH / 2, x2 = b.x - 6, y2 = b.y + g.cardH / 2;
    const bend = Math.max((x2 - x1) / 2, 30);
    const crosses = a.y !== b.y;
    return { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
      labelX: (x1 + x2) / 2, labelY: crosses ? (y1 + y2) / 2 : y1 - 6 };
  }
  function loopArrow(a, b, g) {
    const margin = (g.laneH - g.cardH) / 2;
    const x1 = a.x + g.cardW / 2, y1 = a.y + g.cardH, x2 = b.x + g.cardW / 2, y2 = b.y + g.cardH + 6;
    const dip = Math.max(y1, y2) + margin - 8;
    return { d: `M${x1},${y1} C${x1},${dip} ${x2},${dip} ${x2},${y2}`,
      labelX: (x1 + x2) / 2, labelY: (3 * dip) / 4 + (y1 + y2) / 8 + 10 };
  }
  // Draw the map's grid at the sizes of `g`: lanes, cards, arrows and their labels.
  function drawGrid(map, g) {
    const columns = Math.max(g.columns, 1), rows = Math.max(g.rows, 1);
    const cardTop = (g.laneH - g.cardH) / 2;
    map.style.width = `${g.headerW + g.pad * 2 + columns * g.colW}px`;
    map.style.height = `${rows * g.laneH}px`;
    map.style.setProperty("--card-w", `${g.cardW}px`);
    map.style.setProperty("--card-h", `${g.cardH}px`);
    map.querySelectorAll(".lane").forEach((lane) => {
      lane.style.top = `${Number(lane.dataset.row) * g.laneH}px`;
      lane.style.height = `${g.laneH}px`;
      const header = lane.querySelector(".lane-header");
      if (header) header.style.width = `${g.headerW}px`;
    });
    const boxes = {};
    map.querySelectorAll(".slot").forEach((slot) => {
      const x = g.headerW + g.pad + Number(slot.dataset.column) * g.colW;
      const y = Number(slot.dataset.row) * g.laneH + cardTop;
      slot.style.left = `${x}px`;
      slot.style.top = `${y}px`;
      const card = slot.querySelector(".step-card");
      if (card) boxes[card.dataset.stepId] = { x, y };
    });
    const svg = map.querySelector("svg.arrows");
    if (svg) {
      svg.setAttribute("width", map.style.width);
      svg.setAttribute("height", map.style.height);
    }
    map.querySelectorAll("g.handoff[data-from]").forEach((arrow) => {
      const a = boxes[arrow.dataset.from], b = boxes[arrow.dataset.to];
      if (!a || !b) return;
      const drawn = arrow.classList.contains("loop") ? loopArrow(a, b, g) : forwardArrow(a, b, g);
      arrow.querySelector("path")?.setAttribute("d", drawn.d);
      const label = document.getElementById(`arrow-label-${arrow.id.replace("handoff-", "")}`);
      if (!label) return;
      const gapW = g.colW - g.cardW - 6;
      // Between two cards of one lane a narrow gap cannot hold the label: it goes over the cards' top edge instead.
      const overTheCards = label.classList.contains("above") && gapW < 70;
      label.classList.toggle("over-cards", overTheCards);
      label.style.left = `${drawn.labelX}px`;
      label.style.top = `${overTheCards ? a.y + 2 : drawn.labelY}px`;
      label.style.maxWidth = overTheCards ? `${g.colW}px` : label.classList.contains("above") ? `${Math.max(gapW, 40)}px` : "";
    });
  }
  // The largest title size at which every title fits its card (whole words, no clipping), between low and high.
  function fitTitles(map, low, high) {
    const titles = Array.from(map.querySelectorAll(".step-title"));
    const fits = (px) => {
      map.style.setProperty("--title-px", `${px}px`);
      return titles.every((t) => t.scrollHeight <= t.clientHeight + 1 && t.scrollWidth <= t.clientWidth + 1);
    };
    if (!titles.length || fits(high)) return high;
    let [bad, good] = [high, low];
    if (!fits(low)) { map.style.setProperty("--title-px", `${low}px`); return low; }
    while (bad - good > 0.5) {
      const middle = (bad + good) / 2;
      if (fits(middle)) good = middle; else bad = middle;
    }
    const size = Math.floor(good * 2) / 2;
    map.style.setProperty("--title-px", `${size}px`);
    return size;
  }
  // A grid that fills the screen: columns as wide and lanes as tall as the room allows (within limits), cards
  // filling their cells, titles as large as they fit. What does not fit at the smallest sizes can be panned.
  function fittedGrid(map, width, height, limits) {
    const g = serverGrid(map);
    const headerW = limits.headerW, pad = 14;
    const colW = clamp((width - headerW - pad * 2) / Math.max(g.columns, 1), limits.minColW, limits.maxColW);
    const laneH = clamp(height / Math.max(g.rows, 1), limits.minLaneH, limits.maxLaneH);
    const gap = clamp(colW * 0.16, 22, 80);
    const cardW = Math.round(colW - gap);
    const cardH = Math.round(Math.min(laneH - clamp(laneH * 0.16, 22, 64), cardW * 1.25));
    return { ...g, colW, laneH, cardW, cardH, headerW, pad };
  }
  const PROJECTOR = { headerW: 64, minColW: 150, maxColW: 460, minLaneH: 120, maxLaneH: 420, minTitle: 14, maxTitle: 40 };
  const BOARD_FIT = { headerW: 64, minColW: 112, maxColW: 360, minLaneH: 100, maxLaneH: 300, minTitle: 11, maxTitle: 24 };
  let fitted = isProjector ? PROJECTOR : null; // the limits of the fitted grid in use, or null for the server's
  function applyGrid() {
    const map = boardMap();
    if (!map) return;
    map.classList.toggle("wall-fitted", !!fitted);
    if (!fitted) {
      drawGrid(map, serverGrid(map));
      map.style.removeProperty("--title-px");
      return;
    }
    const g = fittedGrid(map, scroller.clientWidth, scroller.clientHeight, fitted);
    drawGrid(map, g);
    map.dataset.titlePx = String(fitTitles(map, fitted.minTitle, fitted.maxTitle));
  }
  wall.applyGrid = applyGrid;

  // Zoom (CSS zoom on the map's wrapper: the scroll area, sticky lane names and scrollIntoView all follow) -------
  let scale = 1;
  const MIN_SCALE = 0.2, MAX_SCALE = 2.5;
  function setScale(next, anchor) {
    next = clamp(next, MIN_SCALE, MAX_SCALE);
    const box = scroller.getBoundingClientRect();
    const ax = anchor ? anchor.x - box.left : scroller.clientWidth / 2;
    const ay = anchor ? anchor.y - box.top : scroller.clientHeight / 2;
    const contentX = (scroller.scrollLeft + ax) / scale, contentY = (scroller.scrollTop + ay) / scale;
    scale = next;
    zoomBox.style.zoom = scale === 1 ? "" : String(scale);
    zoomBox.style.setProperty("--zoom", String(scale));
    markDistance();
    scroller.scrollLeft = contentX * scale - ax;
    scroller.scrollTop = contentY * scale - ay;
    zoomBox.dataset.scale = String(scale);
    scheduleMinimap();
  }
  // Semantic zoom: far out a card shows only its title, larger.
  function markDistance() {
    const map = boardMap();
    if (!map) return;
    map.classList.toggle("zoom-far", scale < 0.75 && !fitted);
    map.classList.toggle("zoom-farthest", scale < 0.45 && !fitted);
  }
  // Fit: the whole board on the screen, drawn to fill it, and kept so while the board changes, until someone
  // zooms or asks for the normal size again.
  let fitMode = false;
  const fitButton = document.querySelector('[data-zoom="fit"]');
  function fit() {
    if (isProjector) { setScale(1); return; }
    fitMode = true;
    fitButton?.setAttribute("aria-pressed", "true");
    fitted = BOARD_FIT;
    scale = 1;
    zoomBox.style.zoom = "";
    applyGrid();
    const map = boardMap();
    if (!map) return;
    const whole = Math.min(1, scroller.clientWidth / map.offsetWidth, scroller.clientHeight / map.offsetHeight);
    setScale(whole);
    scroller.scrollLeft = 0;
    scroller.scrollTop = 0;
  }
  function leaveFit() {
    fitMode = false;
    fitButton?.setAttribute("aria-pressed", "false");
  }
  function zoomBy(factor, anchor) {
    leaveFit();
    setScale(scale * factor, anchor);
    say(`${Math.round(scale * 100)}%`);
  }
  // Back to the board as the server draws it, at 100 %.
  function actualSize() {
    leaveFit();
    fitted = null;
    applyGrid();
    setScale(1);
    say("100%");
  }
  wall.fit = fit;
  wall.actualSize = actualSize;
  wall.zoomBy = zoomBy;
  wall.scale = () => scale;

  function say(text) {
    const region = document.getElementById("live-announcer");
    if (region) region.textContent = text;
  }

  document.addEventListener("click", (event) => {
    const zoom = event.target.closest?.("[data-zoom]");
    if (!zoom) return;
    if (zoom.dataset.zoom === "in") zoomBy(1.25);
    else if (zoom.dataset.zoom === "out") zoomBy(1 / 1.25);
    else if (zoom.dataset.zoom === "fit") { if (fitMode) actualSize(); else { fit(); say(`${Math.round(scale * 100)}%`); } }
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest?.("input, textarea, select, [contenteditable]") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "+" || event.key === "=") zoomBy(1.25);
    else if (event.key === "-") zoomBy(1 / 1.25);
    else if (event.key === "0") { fit(); say(`${Math.round(scale * 100)}%`); }
    else if (event.key === "1") actualSize();
  });

  // A mouse wheel zooms at the pointer, as on a map; a trackpad's two-finger swipe pans and its pinch (which the
  // browser reports as a wheel with Ctrl) zooms.
  scroller.addEventListener("wheel", (event) => {
    const mouseWheel = event.deltaMode === 1 || (event.deltaX === 0 && Math.abs(event.deltaY) >= 50 && Number.isInteger(event.deltaY));
    if (!event.ctrlKey && !event.metaKey && !mouseWheel) return;
    event.preventDefault();
    leaveFit();
    const steps = event.deltaMode === 1 ? event.deltaY / 3 : event.deltaY / 100;
    setScale(scale * Math.pow(event.ctrlKey && !mouseWheel ? 1.02 : 1.15, -steps * (event.ctrlKey && !mouseWheel ? 5 : 1)), { x: event.clientX, y: event.clientY });
  }, { passive: false });

  // Two fingers pinch; one finger pans natively (touch-action: pan-x pan-y on the board).
  let pinch = null;
  const touchDistance = (t) => Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY);
  scroller.addEventListener("touchstart", (event) => {
    if (event.touches.length === 2) pinch = { distance: touchDistance(event.touches), scale };
  }, { passive: true });
  scroller.addEventListener("touchmove", (event) => {
    if (!pinch || event.touches.length !== 2) return;
    event.preventDefault();
    leaveFit();
    const [a, b] = event.touches;
    setScale(pinch.scale * (touchDistance(event.touches) / pinch.distance),
      { x: (a.clientX + b.clientX) / 2, y: (a.clientY + b.clientY) / 2 });
  }, { passive: false });
  scroller.addEventListener("touchend", (event) => { if (event.touches.length < 2) pinch = null; }, { passive: true });

  // Drag on empty space pans (a mouse or a pen; a finger scrolls the board by itself).
  const NOT_EMPTY = ".step-card, button, a, input, select, textarea, label, .connect-handle, .wall-editor, .minimap";
  let panning = null;
  scroller.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "touch" || event.button !== 0 || event.target.closest(NOT_EMPTY)) return;
    panning = { x: event.clientX, y: event.clientY, left: scroller.scrollLeft, top: scroller.scrollTop, id: event.pointerId, moved: false };
  });
  window.addEventListener("pointermove", (event) => {
    if (!panning || event.pointerId !== panning.id) return;
    const dx = event.clientX - panning.x, dy = event.clientY - panning.y;
    if (!panning.moved && Math.hypot(dx, dy) < 4) return;
    if (!panning.moved) { panning.moved = true; scroller.classList.add("panning"); scroller.setPointerCapture?.(event.pointerId); }
    scroller.scrollLeft = panning.left - dx;
    scroller.scrollTop = panning.top - dy;
  });
  const endPan = () => { if (panning) scroller.classList.remove("panning"); panning = null; };
  window.addEventListener("pointerup", endPan);
  window.addEventListener("pointercancel", endPan);

  // The minimap: on a board larger than the screen, where you are on the whole of it; click or drag to go there.
  const minimap = document.createElement("canvas");
  minimap.className = "minimap";
  minimap.setAttribute("aria-hidden", "true");
  minimap.hidden = true;
  scroller.parentElement.appendChild(minimap);
  let minimapTimer = null;
  function scheduleMinimap() {
    if (minimapTimer) return;
    minimapTimer = setTimeout(() => { minimapTimer = null; drawMinimap(); }, 60);
  }
  function drawMinimap() {
    const map = boardMap();
    const bigger = map && (map.offsetWidth * scale > scroller.clientWidth + 40 || map.offsetHeight * scale > scroller.clientHeight + 40);
    minimap.hidden = !bigger || isProjector || scroller.clientWidth < 500;
    if (minimap.hidden) return;
    const w = 200, ratio = w / map.offsetWidth, h = Math.max(Math.round(map.offsetHeight * ratio), 24);
    minimap.width = w * devicePixelRatio;
    minimap.height = h * devicePixelRatio;
    minimap.style.width = `${w}px`;
    minimap.style.height = `${h}px`;
    const ctx = minimap.getContext("2d");
    ctx.scale(devicePixelRatio, devicePixelRatio);
    ctx.fillStyle = "#fbfaf7";
    ctx.fillRect(0, 0, w, h);
    map.querySelectorAll(".lane").forEach((lane) => {
      ctx.fillStyle = getComputedStyle(lane).getPropertyValue("--lane-colour") || "#9aa3ad";
      ctx.globalAlpha = 0.18;
      ctx.fillRect(0, lane.offsetTop * ratio, w, lane.offsetHeight * ratio);
    });
    ctx.globalAlpha = 1;
    map.querySelectorAll(".slot").forEach((slot) => {
      const card = slot.firstElementChild;
      ctx.fillStyle = card?.classList.contains("has-pain") ? "#d9534f" : "#8a7f5c";
      ctx.fillRect(slot.offsetLeft * ratio, slot.offsetTop * ratio, Math.max(slot.offsetWidth * ratio, 2), Math.max(slot.offsetHeight * ratio, 2));
    });
    ctx.strokeStyle = "#1a5fcc";
    ctx.lineWidth = 2;
    ctx.strokeRect(scroller.scrollLeft / scale * ratio + 1, scroller.scrollTop / scale * ratio + 1,
      scroller.clientWidth / scale * ratio - 2, scroller.clientHeight / scale * ratio - 2);
    minimap.dataset.ratio = String(ratio);
  }
  function panFromMinimap(event) {
    const ratio = Number(minimap.dataset.ratio) || 1;
    const box = minimap.getBoundingClientRect();
    scroller.scrollLeft = ((event.clientX - box.left) / ratio) * scale - scroller.clientWidth / 2;
    scroller.scrollTop = ((event.clientY - box.top) / ratio) * scale - scroller.clientHeight / 2;
  }
  minimap.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    minimap.setPointerCapture(event.pointerId);
    panFromMinimap(event);
    const move = (e) => panFromMinimap(e);
    minimap.addEventListener("pointermove", move);
    minimap.addEventListener("pointerup", () => minimap.removeEventListener("pointermove", move), { once: true });
  });
  scroller.addEventListener("scroll", scheduleMinimap, { passive: true });

  // The facilitator's focus: the projector always follows it, a participant who chose to follow too ------------
  const FOLLOW_KEY = `journey-board:follow:${journeyId}`;
  const followButton = document.querySelector("[data-follow-facilitator]");
  function following() {
    if (isProjector) return true;
    try { return sessionStorage.getItem(FOLLOW_KEY) === "1"; } catch { return false; }
  }
  function setFollowing(on) {
    try { sessionStorage.setItem(FOLLOW_KEY, on ? "1" : "0"); } catch { /* the button still works for this page */ }
    followButton?.setAttribute("aria-pressed", on ? "true" : "false");
    body.classList.toggle("following", on);
    lastFocus = null;
    showFocus();
  }
  followButton?.addEventListener("click", () => setFollowing(followButton.getAttribute("aria-pressed") !== "true"));
  let lastFocus = null;
  function showFocus() {
    const focus = document.getElementById("facilitator-focus");
    const stepId = focus?.dataset.stepId || "";
    document.querySelectorAll(".step-card.focus").forEach((card) => { if (card.dataset.stepId !== stepId) card.classList.remove("focus"); });
    if (!following() || !stepId) { lastFocus = stepId; return; }
    const card = document.getElementById(`step-${stepId}`);
    if (!card) return;
    card.classList.add("focus");
    if (lastFocus === stepId) return; // the same step still: leave the view where people panned it
    lastFocus = stepId;
    card.scrollIntoView({ block: "center", inline: "center", behavior: reducedMotion ? "auto" : "smooth" });
  }
  if (followButton) setFollowing(following());

  // The dots of a voting round on the cards, once the tallies may be seen (the voting panel carries them) -------
  function showVotes() {
    const data = document.querySelector("#voting-panel .card-votes-data");
    const dots = {};
    data?.querySelectorAll("li[data-step]").forEach((item) => { dots[item.dataset.step] = Number(item.dataset.dots); });
    document.querySelectorAll("#board-map .slot").forEach((slot) => {
      const card = slot.querySelector(".step-card");
      const count = card ? dots[card.dataset.stepId] || 0 : 0;
      let badge = slot.querySelector(".vote-badge");
      if (!count) { badge?.remove(); return; }
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "vote-badge";
        slot.appendChild(badge);
      }
      const text = count === 1 ? (body.dataset.msgOneDot || "1 dot") : (body.dataset.msgDots || "{count} dots").replace("{count}", count);
      badge.textContent = `● ${count}`;
      badge.title = text;
      badge.setAttribute("aria-label", text);
    });
  }

  // Everything above again after a push or an answer swapped part of the map, once per frame -------------------
  let pending = false;
  let gridPending = false;
  function refresh(withGrid) {
    gridPending = gridPending || withGrid;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (gridPending && fitMode) fit();
      else if (gridPending && fitted) applyGrid();
      if (gridPending) markDistance();
      gridPending = false;
      showVotes();
      showFocus();
      scheduleMinimap();
    });
  }
  wall.refresh = refresh;
  new MutationObserver((records) => {
    // A swapped map or card (not our own style changes: attributes are not observed).
    refresh(records.some((record) => record.target === zoomBox || record.target.closest?.("#board-map")));
  }).observe(zoomBox, { childList: true, subtree: true });
  const watched = ["voting-panel", "facilitator-focus"];
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    if (watched.includes(event.detail.target?.id)) refresh(false);
  });
  if (window.ResizeObserver) new ResizeObserver(() => refresh(true)).observe(scroller);
  if (fitted) applyGrid();
  refresh(true);
})();
