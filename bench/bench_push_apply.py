"""How long a browser takes to apply one pushed change on a big board (300 steps, 500 hand-offs, 1,000 pain points).

Starts daphne on loopback with a scratch SQLite board, opens it in Debian's chromium (Playwright), renames one step
at a time through the HTTP endpoint and measures, inside the page, from the push frame's arrival
(htmx:wsBeforeMessage, capturing) to the end of live.js's swap (the same event, bubbling) and to the next animation
frame, i.e. until the changed DOM is ready to paint. Prints median and p90 over the renames.

    .venv/bin/python bench/bench_push_apply.py [--renames 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import bench_board  # noqa: E402  (sets up Django on a scratch SQLite file)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from conftest import free_port, start_daphne, stop_server  # noqa: E402
from journeys.models import Department  # noqa: E402

PASSWORD = "bench-pass-123"

MEASURE = """
window.__applied = [];
// live.js applies a journey frame in its own htmx:wsBeforeMessage listener on the socket element (and cancels the
// extension's swap, so htmx:wsAfterMessage never comes): a capturing listener on the document hears the frame arrive
// before that, a bubbling one right after the swap.
document.addEventListener("htmx:wsBeforeMessage", (event) => {
  if (event.detail.message.includes('data-kind="push"')) window.__arrived = performance.now();
}, true);
document.addEventListener("htmx:wsBeforeMessage", () => {
  if (window.__arrived === undefined) return;
  const arrived = window.__arrived;
  const swapped = performance.now();
  window.__arrived = undefined;
  requestAnimationFrame(() => window.__applied.push([swapped - arrived, performance.now() - arrived]));
});
document.addEventListener("htmx:wsOpen", () => { window.__open = true; });
"""

RENAME = """async ([stepId, title]) => {
  const card = document.getElementById(`step-${stepId}`);
  const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const body = new URLSearchParams({title, base_version: card.dataset.version, op_id: crypto.randomUUID()});
  const journey = document.body.dataset.journeyId;
  const url = `/j/${journey}/steps/${stepId}/edit/`;
  const response = await fetch(url, {method: "POST", body, headers: {"X-CSRFToken": csrf}});
  return response.status;
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renames", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user("bench", password=PASSWORD)
    departments = [Department.objects.create(name=f"Dept {i}", colour="#336699") for i in range(6)]
    journey = bench_board.build_board(owner, departments, steps=300, handoffs=500, pain_points=1000)
    step_ids = list(journey.steps.order_by("position").values_list("pk", flat=True))
    port = free_port()
    env = {**os.environ, "SQLITE_PATH": os.environ["SQLITE_PATH"], "DEBUG": "false"}
    server = start_daphne(port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.add_init_script(MEASURE)
            page.goto(f"{base}/login/")
            page.fill("#id_username", "bench")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{base}/j/{journey.pk}/")
            page.wait_for_function("window.__open === true", timeout=20000)
            for index in range(args.renames):
                step_id = step_ids[(index * 37) % len(step_ids)]
                assert page.evaluate(RENAME, [step_id, f"Renamed {index}"]) == 200
                page.wait_for_function(f"window.__applied.length > {index}", timeout=10000)
                page.wait_for_function(
                    f"document.querySelector('#step-{step_id} .step-title').textContent.includes('Renamed {index}')"
                )
            applied = page.evaluate("window.__applied")
            browser.close()
    finally:
        stop_server(server)
    swapped = sorted(a for a, _ in applied)
    painted = sorted(b for _, b in applied)
    print(f"apply one pushed rename on a 300-step board ({len(applied)} renames, chromium, 1366x768)")
    for label, values in (("arrived -> DOM swapped", swapped), ("arrived -> next animation frame", painted)):
        print(f"  {label:38s} median {statistics.median(values):5.1f} ms  p90 {p90(values):5.1f} ms")


def p90(values: list[float]) -> float:
    return values[max(int(len(values) * 0.9) - 1, 0)]


if __name__ == "__main__":
    main()
