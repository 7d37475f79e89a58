"""Export / import benchmark: a journey of 300 steps, 500 hand-offs, 1,000 pain points (2 history rows each).

Prints the time and query count of exporting it, of checking the file, and of importing it into a new journey,
plus the file size, and the time of rendering its SVG.

    .venv/bin/python bench/bench_exchange.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

harness.setup_django(harness.scratch_sqlite("exchange"))

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.data import big_board  # noqa: E402
from boards.svg_export import journey_svg  # noqa: E402
from exchange import services as exchange  # noqa: E402
from journeys.models import Department  # noqa: E402


def timed(action, runs: int) -> tuple[float, int, object]:
    timings, result, queries = [], None, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = action()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return statistics.median(timings), queries, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user("bench")
    departments = [Department.objects.create(name=f"Department {i}", colour="#336699") for i in range(6)]
    journey = big_board(owner, departments, steps=300, handoffs=500, pain_points=1000, history=True)

    ms, queries, data = timed(lambda: exchange.journey_export(journey), runs)
    size = len(json.dumps(data).encode())
    print(f"export        {ms:8.1f} ms  {queries:5d} queries  file {size / 1024:.0f} KB")
    ms, queries, _ = timed(lambda: exchange.journey_import_check(json.loads(json.dumps(data))), runs)
    print(f"check only    {ms:8.1f} ms  {queries:5d} queries")
    ms, queries, _ = timed(lambda: exchange.journey_import(data=data, actor=owner), runs)
    print(f"import        {ms:8.1f} ms  {queries:5d} queries  (check + write, one transaction)")
    ms, queries, svg = timed(lambda: journey_svg(journey), runs)
    print(f"SVG export    {ms:8.1f} ms  {queries:5d} queries  {len(svg) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
