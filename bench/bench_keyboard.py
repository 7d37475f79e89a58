"""Keyboard-only mapping of the 12-step demo journey: the steps, its 12 hand-offs and 5 of its pain points, with no
mouse, in Debian's chromium (Playwright) against daphne on a scratch SQLite board that has only the five lanes.

Every key pressed is counted, apart from the characters of the titles and texts typed. Prints, per hand-off and per
pain point, the keys it took (making it from a focused card, and getting the focus to that card first), and the
totals. Getting around uses the arrow keys (the nearest card that way), as a person would: the route is the
shortest the script finds by looking at the screen, one key at a time.

    .venv/bin/python bench/bench_keyboard.py
"""

from __future__ import annotations

import os
import statistics
import sys
from collections import Counter, deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import bench_board  # noqa: E402, F401  (sets up Django on a scratch SQLite file)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from conftest import free_port, start_daphne, stop_server  # noqa: E402
from demo.data import DEMO_TITLE, DEPARTMENTS, HANDOFFS, PAIN_POINTS, STEPS  # noqa: E402
from journeys import services  # noqa: E402
from journeys.models import Department, Membership, Step  # noqa: E402

PASSWORD = "bench-pass-123"
PAIN_POINT_COUNT = 5


class Keys:
    """The keyboard, counting: `press` is a key, `type` is typing (counted apart, per character)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0
        self.typed = 0
        self.by_key: Counter[str] = Counter()

    def press(self, key: str) -> None:
        self.count += 1
        self.by_key[key] += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.typed += len(text)
        self.page.keyboard.type(text)


def focused_step(page: Page) -> str | None:
    return page.evaluate("document.activeElement?.closest?.('.step-card')?.dataset.stepId || null")


ARROWS = ("ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp")
CENTRES = """Object.fromEntries(Array.from(document.querySelectorAll("#board-map .step-card"), (card) => {
  const box = card.getBoundingClientRect();
  return [card.dataset.stepId, [box.x + box.width / 2, box.y + box.height / 2]];
}))"""


def neighbour(centres: dict[str, list[float]], start: str, key: str, skip: str | None) -> str | None:
    """The card an arrow key goes to: wall.js's `neighbour`, the nearest card that way (along + 3 x across)."""
    (x1, y1), best, best_score = centres[start], None, float("inf")
    for card, (x2, y2) in centres.items():
        if card in (start, skip):
            continue
        dx, dy = x2 - x1, y2 - y1
        along, across = {"ArrowRight": (dx, dy), "ArrowLeft": (-dx, dy), "ArrowDown": (dy, dx), "ArrowUp": (-dy, dx)}[
            key
        ]
        if along > 1 and along + 3 * abs(across) < best_score:
            best, best_score = card, along + 3 * abs(across)
    return best


def route(centres: dict[str, list[float]], start: str, goal: str, skip: str | None = None) -> list[str]:
    """The fewest arrow keys from one card to another (breadth first over where each key goes)."""
    came_from: dict[str, tuple[str, str] | None] = {start: None}
    queue = deque([start])
    while queue and goal not in came_from:
        card = queue.popleft()
        for key in ARROWS:
            next_card = neighbour(centres, card, key, skip)
            if next_card is not None and next_card not in came_from:
                came_from[next_card] = (card, key)
                queue.append(next_card)
    if goal not in came_from:
        raise RuntimeError(f"the arrow keys do not reach step {goal} from step {start}")
    keys, card = [], goal
    while came_from[card] is not None:
        card, key = came_from[card]
        keys.append(key)
    return keys[::-1]


def walk(keys: Keys, step_id: int, where: str, skip: int | None = None) -> int:
    """The arrow keys from where `where` says the keyboard is (the focused card, or the hand-off's chosen target) to
    the step; returns how many it took."""
    page = keys.page
    start = page.evaluate(where)
    path = route(page.evaluate(CENTRES), start, str(step_id), None if skip is None else str(skip))
    for key in path:
        keys.press(key)
    if page.evaluate(where) != str(step_id):
        raise RuntimeError(f"{path} from step {start} did not reach step {step_id}")
    return len(path)


def add_steps(keys: Keys, lanes: list[str]) -> dict[str, int]:
    """The first step from the toolbar (n), every next one after the focused card (a, Alt+arrows for its lane)."""
    page, ids, lane_of_focus = keys.page, {}, 0
    for index, (key, title, department, _channel, _minutes) in enumerate(STEPS):
        lane = lanes.index(department)
        if index == 0:
            keys.press("n")
            keys.type(title)
            keys.press("Enter")
            card = page.locator("#board-map .step-card", has_text=title)
            expect(card).to_be_visible()
            while focused_step(page) is None:  # from the toolbar to the new card
                keys.press("Tab")
        else:
            keys.press("a")
            expect(page.locator(".wall-editor textarea")).to_be_focused()
            for _ in range(abs(lane - lane_of_focus)):
                keys.press("Alt+ArrowDown" if lane > lane_of_focus else "Alt+ArrowUp")
            keys.type(title)
            keys.press("Enter")
            expect(page.locator("#board-map .step-card", has_text=title)).to_be_focused()
        lane_of_focus = lane
        ids[key] = int(focused_step(page))
    return ids


def add_handoffs(keys: Keys, ids: dict[str, int]) -> list[tuple[str, int, int]]:
    page, rows = keys.page, []
    for source, target, _label in HANDOFFS:
        getting_there = walk(keys, ids[source], "document.activeElement?.dataset?.stepId || null")
        before = keys.count
        keys.press("c")
        walk(keys, ids[target], "document.querySelector('.connect-target')?.dataset.stepId || null", ids[source])
        keys.press("Enter")
        arrow = f'#board-map g.handoff[data-from="{ids[source]}"][data-to="{ids[target]}"]'
        expect(page.locator(arrow)).to_have_count(1)
        expect(page.locator(f"#step-{ids[source]}")).to_be_focused()
        rows.append((f"{source} -> {target}", keys.count - before, getting_there))
    return rows


def add_pain_points(keys: Keys, ids: dict[str, int]) -> list[tuple[str, int, int]]:
    """p on the card, the text, the severity and the responsible departments as the demo has them, Enter, Esc."""
    page, rows = keys.page, []
    for step, text, severity, departments, *_rest in PAIN_POINTS[:PAIN_POINT_COUNT]:
        step_id = ids[step]
        getting_there = walk(keys, step_id, "document.activeElement?.dataset?.stepId || null")
        before = keys.count
        keys.press("p")
        expect(page.locator(f"#new-pain-{step_id}-text")).to_be_focused()
        keys.type(text)
        form = page.locator(f"#pain-point-form-{step_id}")
        boxes = form.locator("input[name=responsible_departments]")
        labels = [label.strip() for label in form.locator("fieldset.departments label").all_inner_texts()]
        toggles = [boxes.nth(i).is_checked() != (label in departments) for i, label in enumerate(labels)]
        shift = ["low", "medium", "high"].index(severity) - 1  # medium is chosen already
        if shift or any(toggles):
            keys.press("Tab")  # the severity
            for _ in range(abs(shift)):
                keys.press("ArrowDown" if shift > 0 else "ArrowUp")
            # Down the checkboxes as far as the last one to change (at least one: Enter in a list box does not send).
            for position in range(max((i for i, toggle in enumerate(toggles) if toggle), default=0) + 1):
                keys.press("Tab")
                if toggles[position]:
                    keys.press("Space")
        keys.press("Enter")
        expect(page.locator(f"#step-{step_id}-pain-points")).to_contain_text(text)
        keys.press("Escape")
        expect(page.locator(f"#step-{step_id}")).to_be_focused()
        rows.append((f"{step}: {text[:40]}", keys.count - before, getting_there))
    return rows


def main() -> None:
    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user("bench", password=PASSWORD)
    departments = [Department.objects.create(name=name, colour=colour) for name, colour in DEPARTMENTS]
    journey = services.journey_create(title=DEMO_TITLE, actor=owner)
    Membership.objects.filter(journey=journey, user=owner).update(role=Membership.Role.FACILITATOR)
    for department in departments:
        services.lane_add(journey=journey, department=department, actor=owner)
    port = free_port()
    server = start_daphne(port, {**os.environ, "SQLITE_PATH": os.environ["SQLITE_PATH"], "DEBUG": "false"})
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{base}/login/")
            page.fill("#id_username", "bench")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/j/{journey.pk}/")
            page.wait_for_function("document.getElementById('board-seq') !== null")
            keys = Keys(page)
            ids = add_steps(keys, [name for name, _colour in DEPARTMENTS])
            step_keys, step_typed = keys.count, keys.typed
            handoffs = add_handoffs(keys, ids)
            pain_points = add_pain_points(keys, ids)
            browser.close()
    finally:
        stop_server(server)
    assert Step.objects.filter(journey=journey).count() == len(STEPS)
    report(step_keys, step_typed, handoffs, pain_points, keys)


def report(step_keys: int, step_typed: int, handoffs: list, pain_points: list, keys: Keys) -> None:
    print(
        f"keyboard-only mapping of the demo journey ({len(STEPS)} steps, {len(handoffs)} hand-offs, "
        f"{len(pain_points)} pain points), chromium 1366x768; keys besides the typed text"
    )
    print(
        f"  steps: {step_keys} keys for {len(STEPS)} steps ({step_keys / len(STEPS):.1f} per step), "
        f"{step_typed} characters typed"
    )
    for label, rows in (("hand-off", handoffs), ("pain point", pain_points)):
        print(f"  per {label}: (keys to make it from the focused card + arrow keys to get to that card first)")
        for name, making, getting_there in rows:
            print(f"    {making:2d} + {getting_there:2d}  {name}")
        making = [row[1] for row in rows]
        total = [row[1] + row[2] for row in rows]
        print(f"    making it: {summary(making)}; with getting there: {summary(total)}")
    print(f"  all keys: {keys.count} ({dict(keys.by_key.most_common())}), {keys.typed} characters typed")


def summary(values: list[int]) -> str:
    return f"median {statistics.median(values):.0f}, max {max(values)}, mean {statistics.mean(values):.1f}"


if __name__ == "__main__":
    main()
