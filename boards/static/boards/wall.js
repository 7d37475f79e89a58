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
    // The service blueprint's lines lie on lane boundaries; the experience curve's points under the columns.
    map.querySelectorAll(".blueprint-line[data-boundary]").forEach((line) => {
      line.style.top = `${Number(line.dataset.boundary) * g.laneH}px`;
    });
    const curve = map.querySelector("#experience-lane svg.experience-curve");
    if (curve) {
      curve.style.left = `${g.headerW + g.pad}px`;
      curve.style.width = `${columns * g.colW}px`;
      map.querySelector(".experience-header").style.width = `${g.headerW}px`;
    }
    placeCurve(map, g.laneH);
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
  // The experience curve's lane sits under the lanes; hidden, it shrinks to a strip and the map with it.
  function placeCurve(map, laneH) {
    const lane = map.querySelector("#experience-lane");
    if (!lane) return;
    const lanesH = Math.max(Number(map.dataset.rows) || 0, 1) * laneH;
    lane.style.top = `${lanesH}px`;
    map.style.height = `${lanesH + lane.offsetHeight}px`;
  }
  const CURVE_HIDDEN = "journey-board-curve-hidden";
  if (localStorage.getItem(CURVE_HIDDEN) && !isProjector) body.classList.add("curve-hidden");
  document.addEventListener("click", (event) => {
    if (!event.target.closest("[data-toggle-curve]")) return;
    const hidden = body.classList.toggle("curve-hidden");
    if (hidden) localStorage.setItem(CURVE_HIDDEN, "1");
    else localStorage.removeItem(CURVE_HIDDEN);
    refresh(true);
  });
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
    const curveH = map.querySelector("#experience-lane")?.offsetHeight || 0; // the curve's lane shares the height
    const laneH = clamp((height - curveH) / Math.max(g.rows, 1), limits.minLaneH, limits.maxLaneH);
    const gap = clamp(colW * 0.16, 22, 80);
    const cardW = Math.round(colW - gap);
    const cardH = Math.round(Math.min(laneH - clamp(laneH * 0.16, 22, 64), cardW * 1.25));
    return { ...g, colW, laneH, cardW, cardH, headerW, pad };
  }
  const PROJECTOR = { headerW: 64, minColW: 150, maxColW: 460, minLaneH: 120, maxLaneH: 420, minTitle: 14, maxTitle: 40 };
  const BOARD_FIT = { headerW: 64, minColW: 112, maxColW: 360, minLaneH: 100, maxLaneH: 300, minTitle: 11, maxTitle: 24 };
  // A phone: the grid drawn for a narrow screen (narrow upright lane names, a card and a bit of the next per screen).
  const PHONE = { headerW: 44, minColW: 200, maxColW: 250, minLaneH: 118, maxLaneH: 150, minTitle: 14, maxTitle: 17 };
  const isPhone = !isProjector && window.matchMedia("(max-width: 600px)").matches;
  let fitted = isProjector ? PROJECTOR : isPhone ? PHONE : null; // the fitted grid in use, or null for the server's
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
    map.style.minWidth = "";
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
    fitted = isPhone ? PHONE : null;
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
    const shell = scroller.parentElement.getBoundingClientRect(), view = scroller.getBoundingClientRect();
    minimap.style.right = `${shell.right - view.right + 14}px`;
    minimap.style.bottom = `${shell.bottom - view.bottom + 14}px`;
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

  // Cards by where they are on screen: arrow keys go to the nearest card in that direction ----------------------
  const allCards = () => Array.from(document.querySelectorAll("#board-map .step-card"));
  function centre(element) {
    const box = element.getBoundingClientRect();
    return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
  }
  function neighbour(from, key, skip) {
    const a = centre(from);
    let best = null, bestScore = Infinity;
    allCards().forEach((card) => {
      if (card === from || card === skip) return;
      const b = centre(card), dx = b.x - a.x, dy = b.y - a.y;
      const [along, across] = { ArrowRight: [dx, dy], ArrowLeft: [-dx, dy], ArrowDown: [dy, dx], ArrowUp: [-dy, dx] }[key];
      if (along <= 1) return;
      const score = along + 3 * Math.abs(across);
      if (score < bestScore) { best = card; bestScore = score; }
    });
    return best;
  }
  const handoffExists = (from, to) => !!document.querySelector(`#board-map g.handoff[data-from="${from}"][data-to="${to}"]`);

  // A change goes through the page's outbox (live.js): one operation id, retries, and a notice when it cannot land.
  function send(url, values, done) {
    const fields = Object.entries(values).map(([name, value]) => [name, String(value)]);
    window.journeyOutbox.send(url, fields, { label: values.label || "" }).then((answer) => done?.(answer));
  }
  function toast(text) {
    say(text);
    let box = document.getElementById("wall-toast");
    if (!box) {
      box = document.createElement("p");
      box.id = "wall-toast";
      box.className = "wall-toast";
      box.setAttribute("aria-hidden", "true"); // the live region says it
      body.appendChild(box);
    }
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, 3500);
  }
  const message = (name, values = {}) =>
    Object.entries(values).reduce((text, [key, value]) => text.replace(`{${key}}`, value), body.dataset[name] || "");
  const titleOf = (card) => card.querySelector(".step-title")?.textContent.trim() || "";

  // Hand-offs: drag from a card's handle to another card, or press c on a card, choose with the arrows, Enter ----
  function linkCards(source, target) {
    if (!source || !target || source === target) return;
    if (handoffExists(source.dataset.stepId, target.dataset.stepId)) {
      toast(message("msgAlreadyLinked"));
      return;
    }
    const sourceId = source.id;
    send(source.dataset.handoffUrl, { to_step: target.dataset.stepId, label: "" }, (answer) => {
      if (answer.status < 300) say(message("msgLinked", { 1: titleOf(source), 2: titleOf(target) }));
      else if (answer.status === 422) toast(new DOMParser().parseFromString(answer.text, "text/html").querySelector(".errorlist")?.textContent || message("msgAlreadyLinked"));
      const again = document.getElementById(sourceId);
      if (again && (document.activeElement === body || !document.activeElement)) again.focus();
    });
  }
  const overlay = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  overlay.setAttribute("class", "connect-overlay");
  overlay.setAttribute("aria-hidden", "true");
  overlay.innerHTML = '<defs><marker id="connect-head" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1a5fcc"/></marker></defs><path marker-end="url(#connect-head)"/>';
  body.appendChild(overlay);
  function drawConnectLine(source, x2, y2) {
    const box = source.getBoundingClientRect();
    const x1 = box.right, y1 = box.top + box.height / 2, bend = Math.max(Math.abs(x2 - x1) / 2, 30);
    overlay.querySelector("path").setAttribute("d", `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`);
    overlay.classList.add("active");
  }
  function clearConnect() {
    overlay.classList.remove("active");
    document.querySelectorAll(".step-card.connect-source, .step-card.connect-target").forEach((card) => card.classList.remove("connect-source", "connect-target"));
  }
  let dragLink = null;
  document.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest?.(".connect-handle");
    if (!handle || isProjector) return;
    event.preventDefault();
    event.stopPropagation();
    const source = handle.closest(".step-card");
    dragLink = { source, id: event.pointerId, target: null };
    source.classList.add("connect-source");
    drawConnectLine(source, event.clientX, event.clientY);
  }, true);
  window.addEventListener("pointermove", (event) => {
    if (!dragLink || event.pointerId !== dragLink.id) return;
    drawConnectLine(dragLink.source, event.clientX, event.clientY);
    const over = document.elementFromPoint(event.clientX, event.clientY)?.closest?.(".step-card");
    const target = over && over !== dragLink.source ? over : null;
    if (target !== dragLink.target) {
      dragLink.target?.classList.remove("connect-target");
      target?.classList.add("connect-target");
      dragLink.target = target;
    }
  });
  function endDragLink(event) {
    if (!dragLink || event.pointerId !== dragLink.id) return;
    const { source } = dragLink;
    const over = event.type === "pointerup" && document.elementFromPoint(event.clientX, event.clientY)?.closest?.(".step-card");
    dragLink = null;
    clearConnect();
    if (over && over !== source) linkCards(source, over);
  }
  window.addEventListener("pointerup", endDragLink);
  window.addEventListener("pointercancel", endDragLink);
  // The handle is part of the card: pressing it neither opens the card nor starts moving it.
  document.addEventListener("click", (event) => { if (event.target.closest?.(".connect-handle")) event.stopPropagation(); }, true);
  document.addEventListener("dragstart", (event) => { if (dragLink || event.target.closest?.(".connect-handle")) event.preventDefault(); }, true);

  let keyLink = null; // { source, target } while choosing a step to hand off to from the keyboard
  function suggestedTarget(source) {
    const cards = allCards();
    const later = cards.slice(cards.indexOf(source) + 1).find((card) => !handoffExists(source.dataset.stepId, card.dataset.stepId));
    return later || neighbour(source, "ArrowRight") || cards.find((card) => card !== source) || null;
  }
  function chooseTarget(target) {
    keyLink.target?.classList.remove("connect-target");
    keyLink.target = target;
    target.classList.add("connect-target");
    target.scrollIntoView({ block: "nearest", inline: "nearest" });
    const box = target.getBoundingClientRect();
    drawConnectLine(keyLink.source, box.left - 4, box.top + box.height / 2);
    say(message("msgChooseTarget", { 1: titleOf(keyLink.source), 2: titleOf(target) }));
  }
  function startKeyLink(source) {
    const target = suggestedTarget(source);
    if (!target) return;
    keyLink = { source, target: null };
    source.classList.add("connect-source");
    chooseTarget(target);
  }
  function endKeyLink(link) {
    const { source, target } = keyLink;
    keyLink = null;
    clearConnect();
    source.focus();
    if (link) linkCards(source, target);
  }

  // Place where you point: a double-click (or double tap) in a lane adds a step there ----------------------------
  function currentGrid(map) {
    if (!fitted) return serverGrid(map);
    return fittedGrid(map, scroller.clientWidth, scroller.clientHeight, fitted);
  }
  // The step the new one goes after: the last one in the process order left of the point (or in its column in
  // another lane), so the new step lands in the column pointed at; before the first step when none is.
  function anchorAt(row, column) {
    const slots = Array.from(document.querySelectorAll("#board-map .slot")); // in process order
    let after = null;
    slots.forEach((slot) => {
      const c = Number(slot.dataset.column), r = Number(slot.dataset.row);
      if (c < column || (c === column && r !== row)) after = slot;
    });
    const id = (slot) => slot.querySelector(".step-card")?.dataset.stepId;
    if (after) return { after: id(after) };
    return slots.length ? { before: id(slots[0]) } : {};
  }
  let editor = null;
  function openEditor(row, column, anchor, from) {
    closeEditor();
    const map = boardMap();
    const lane = map?.querySelector(`.lane[data-row="${row}"]`);
    if (!lane) return;
    const g = currentGrid(map);
    const laneName = lane.querySelector(".lane-name")?.textContent.trim() || "";
    const form = document.createElement("form");
    form.className = "wall-editor";
    form.setAttribute("hx-post", body.dataset.stepAddUrl);
    form.setAttribute("hx-swap", "none");
    form.style.left = `${g.headerW + g.pad + column * g.colW}px`;
    form.style.top = `${row * g.laneH + (g.laneH - g.cardH) / 2}px`;
    form.style.width = `${g.cardW}px`;
    form.style.height = `${g.cardH}px`;
    form.style.setProperty("--lane-colour", getComputedStyle(lane).getPropertyValue("--lane-colour"));
    const label = message("msgNewStepIn", { 1: laneName });
    form.innerHTML = '<label class="visually-hidden" for="wall-editor-title"></label><textarea id="wall-editor-title" name="title" maxlength="120" rows="3" autocomplete="off"></textarea>' +
      '<input type="hidden" name="department"><input type="hidden" name="after"><input type="hidden" name="before">' +
      '<p class="wall-editor-hint" aria-hidden="true"></p>';
    form.querySelector("label").textContent = label;
    form.querySelector("textarea").placeholder = label;
    form.querySelector(".wall-editor-hint").textContent = message("msgEditorHint");
    form.elements.department.value = lane.dataset.departmentId || "";
    form.elements.after.value = anchor.after || "";
    form.elements.before.value = anchor.before || "";
    zoomBox.appendChild(form);
    htmx.process(form);
    editor = { form, row, column, anchor, from, fixedAnchor: !!from };
    form.id = "wall-editor";
    form.addEventListener("outbox:answered", (event) => {
      const { status, step: stepId } = event.detail;
      if (status >= 300) return;
      closeEditor(false);
      const card = stepId && document.getElementById(`step-${stepId}`);
      if (card) { card.focus(); card.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    });
    const field = form.querySelector("textarea");
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        if (field.value.trim()) htmx.trigger(form, "submit");
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        closeEditor(true);
      } else if ((event.key === "ArrowUp" || event.key === "ArrowDown") && event.altKey) {
        event.preventDefault();
        moveEditor(event.key === "ArrowUp" ? -1 : 1);
      }
    });
    field.addEventListener("blur", () => setTimeout(() => {
      if (editor?.form === form && !field.value.trim() && !form.contains(document.activeElement)) closeEditor(false);
    }, 150));
    field.focus({ preventScroll: true });
    form.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  // Alt+Up/Down in the editor: the new step goes in the lane above or below instead.
  function moveEditor(offset) {
    const rows = Number(boardMap()?.dataset.rows || 0);
    const row = editor.row + offset;
    if (row < 0 || row >= rows) return;
    const { from, anchor, fixedAnchor } = editor;
    let column = editor.column;
    if (fixedAnchor) { // right after that step: beside it in another lane when the cell is free, else after it
      const slot = document.getElementById(from)?.parentElement;
      const at = Number(slot?.dataset.column ?? column - 1);
      const taken = (r, c) => !!document.querySelector(`#board-map .slot[data-row="${r}"][data-column="${c}"]`);
      column = row === Number(slot?.dataset.row) || taken(row, at) ? at + 1 : at;
    }
    const text = editor.form.querySelector("textarea").value;
    openEditor(row, column, fixedAnchor ? anchor : anchorAt(row, column), from);
    editor.form.querySelector("textarea").value = text;
  }
  function closeEditor(giveFocusBack) {
    if (!editor) return;
    const { form, from } = editor;
    editor = null;
    form.remove();
    if (giveFocusBack && from) document.getElementById(from)?.focus();
  }
  function pointAt(clientX, clientY) {
    const map = boardMap();
    if (!map) return null;
    const lane = Array.from(map.querySelectorAll(".lane")).find((candidate) => {
      const box = candidate.getBoundingClientRect();
      return clientY >= box.top && clientY < box.bottom;
    });
    if (!lane) return null;
    const g = currentGrid(map);
    const x = (clientX - map.getBoundingClientRect().left) / scale;
    if (x < g.headerW) return null; // on the lane's name
    const column = Math.max(0, Math.min(Math.floor((x - g.headerW - g.pad) / g.colW), Math.max(g.columns, 0)));
    return { row: Number(lane.dataset.row), column };
  }
  function addWherePointed(event) {
    if (isProjector || event.target.closest?.(".step-card, .lane-header, .wall-editor, button, a, input, textarea, select, .minimap")) return;
    const spot = pointAt(event.clientX, event.clientY);
    if (!spot) return;
    event.preventDefault();
    openEditor(spot.row, spot.column, anchorAt(spot.row, spot.column), null);
  }
  scroller.addEventListener("dblclick", addWherePointed);
  let lastTap = null; // a double tap on a phone (touch-action leaves no double-tap zoom to the browser)
  const secondTap = (event) => lastTap && Date.now() - lastTap.time < 400
    && Math.hypot(event.clientX - lastTap.x, event.clientY - lastTap.y) < 30;
  scroller.addEventListener("pointerdown", (event) => {
    // The second tap's mouse events would move the focus to whatever lies under the finger once the editor opened
    // there (the editor's own frame: the focus left its text, and it closed at once).
    if (event.pointerType === "touch" && secondTap(event)) event.preventDefault();
  });
  scroller.addEventListener("pointerup", (event) => {
    if (event.pointerType !== "touch") return;
    const now = Date.now();
    if (secondTap(event)) {
      lastTap = null;
      addWherePointed(event);
    } else {
      lastTap = { time: now, x: event.clientX, y: event.clientY };
    }
  });

  // Keys on a focused card -----------------------------------------------------------------------------------------
  // Arrows: the nearest card that way. c: hand off to (arrows choose, Enter links, Esc cancels). a: a new step after
  // this one (Alt+arrows in it choose the lane). p: a pain point on this step. Enter (board.js) opens the step with
  // the focus inside its panel.
  let drawerIntent = null;
  function openDrawer(card, intent) {
    drawerIntent = { stepId: card.dataset.stepId, intent };
    htmx.ajax("GET", card.getAttribute("hx-get"), { target: "#drawer", source: card });
  }
  window.addEventListener("keydown", (event) => {
    if (keyLink) {
      event.preventDefault();
      event.stopPropagation();
      if (event.key === "Escape") endKeyLink(false);
      else if (event.key === "Enter" || event.key === " ") endKeyLink(true);
      else if (event.key.startsWith("Arrow")) {
        const next = neighbour(keyLink.target, event.key, keyLink.source); // a step does not hand off to itself
        if (next) chooseTarget(next);
      }
      return;
    }
    const card = event.target.closest?.(".step-card");
    if (!card || event.target !== card || event.ctrlKey || event.metaKey || event.altKey || isProjector) return;
    if (event.key.startsWith("Arrow")) {
      event.preventDefault();
      event.stopPropagation();
      const next = neighbour(card, event.key);
      if (next) { next.focus({ preventScroll: true }); next.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    } else if (event.key === "c") {
      event.preventDefault();
      event.stopPropagation();
      startKeyLink(card);
    } else if (event.key === "a") {
      event.preventDefault();
      event.stopPropagation();
      const slot = card.parentElement;
      openEditor(Number(slot.dataset.row), Number(slot.dataset.column) + 1, { after: card.dataset.stepId }, card.id);
    } else if (event.key === "p") {
      event.preventDefault();
      event.stopPropagation();
      openDrawer(card, "pain");
    } else if (event.key === "Enter") {
      drawerIntent = { stepId: card.dataset.stepId, intent: "inside" }; // board.js opens it
    }
  }, true);
  // The opened panel takes the focus: its heading (read out first), or straight the new pain point's text.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target?.id !== "drawer" || !drawerIntent) return;
    const { stepId, intent } = drawerIntent;
    drawerIntent = null;
    const detail = document.getElementById(`step-detail-${stepId}`);
    if (!detail) return;
    const field = intent === "pain" ? document.getElementById(`new-pain-${stepId}-text`) : null;
    const heading = document.getElementById(`step-${stepId}-heading`);
    if (heading && !heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    (field || heading)?.focus();
    if (field) field.scrollIntoView({ block: "center" });
  });

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
      else if (gridPending && boardMap()) placeCurve(boardMap(), Number(boardMap().dataset.laneHeight));
      if (gridPending) markDistance();
      gridPending = false;
      const map = boardMap();
      // The lanes run on to the right edge of the screen, however few steps there are yet.
      if (map && !isProjector) map.style.minWidth = `${Math.floor(scroller.clientWidth / scale)}px`;
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
    const id = event.detail.target?.id;
    // A morphed map or card keeps its elements (so no child list changes) but loses the classes set here.
    if (watched.includes(id) || id === "board-map" || /^step-\d+$/.test(id)) refresh(id === "board-map");
  });
  if (window.ResizeObserver) new ResizeObserver(() => refresh(true)).observe(scroller);
  if (fitted) applyGrid();
  refresh(true);
})();
