"""Big-board benchmark: 300 steps, 500 hand-offs, 1,000 pain points.

Prints the server render time of the board page (median and p90 of repeated GETs through Django's test client)
and its query count, plus the same for a 10-step board to show the count does not grow. Four states: the first
load after a change (before each request one step is renamed through the service, as in a workshop; the change's
after-commit jobs have run, as they have in a served process by the time anyone reloads: they render the insights
panel), the same load when it comes before those jobs are done (they are switched off), later loads (nothing changed
since the last one), and an empty cache (the first load after the process started).

    .venv/bin/python bench/bench_board.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

harness.setup_django(harness.scratch_sqlite("board"))

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.data import big_board  # noqa: E402
from journeys import services  # noqa: E402
from journeys.models import Department, Journey, Step  # noqa: E402
from live import fanout  # noqa: E402


def rename_a_step(journey: Journey, owner, run: int) -> None:
    """A change as a workshop makes them: one step renamed through the write path (version check, seq, event)."""
    step = Step.objects.filter(journey=journey).order_by("position")[run % 7]
    services.step_update(step=step, actor=owner, base_version=step.version, title=f"Step renamed {run}: it happens")


def measure(client: Client, journey: Journey, runs: int, state: str, owner) -> tuple[float, float, int, int, float]:
    """Render times of the board page in `state` ("change": a step renamed before each load; "change-early": the
    same without the change's after-push jobs; "empty": the cache emptied first; "later": nothing changed). Besides
    the wall-clock times, the median CPU time of this process (the test client and SQLite run in it): on a machine
    shared with other work the wall clock mostly measures the neighbours, the CPU time what the page costs."""
    url = f"/j/{journey.pk}/"
    client.get(url)  # warm templates
    timings, cpu = [], []
    for run in range(runs):
        if state == "empty":
            cache.clear()
        elif state == "change":
            rename_a_step(journey, owner, run)
        elif state == "change-early":
            jobs, fanout._after_push[:] = list(fanout._after_push), []
            rename_a_step(journey, owner, 1000 + run)
            fanout._after_push[:] = jobs
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    timings.sort()
    p90 = timings[int(len(timings) * 0.9) - 1]
    return statistics.median(timings), p90, len(queries), len(response.content), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.create_user("bench", password="bench-pass-123")
    departments = [Department.objects.create(name=f"Dept {i}", colour="#336699") for i in range(6)]
    statuses = ("open", "in_progress", "solved", "wont_fix")
    small = big_board(owner, departments, steps=10, handoffs=12, pain_points=20, statuses=statuses)
    big = big_board(owner, departments, steps=300, handoffs=500, pain_points=1000, statuses=statuses)
    client = Client()
    client.force_login(owner)
    print("board page render (server, Django test client, SQLite)")
    for label, journey in (("10 steps", small), ("300 steps / 500 hand-offs / 1000 pain points", big)):
        for state, name in STATES.items():
            median, p90, queries, size, cpu = measure(client, journey, args.runs, state, owner)
            print(
                f"  {label:46s} {name:40s} median {median:6.1f} ms  p90 {p90:6.1f} ms  cpu median {cpu:6.1f} ms"
                f"  queries {queries:2d}"
            )


STATES = {
    "change": "first load after a change (a rename)",
    "change-early": "the same, before its after-change jobs",
    "later": "later loads (nothing changed)",
    "empty": "empty cache (process just started)",
}


if __name__ == "__main__":
    main()
