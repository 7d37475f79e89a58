"""Export / import benchmark: a journey of 300 steps, 500 hand-offs, 1,000 pain points (2 history rows each).

Prints the time and query count of exporting it, of checking the file, and of importing it into a new journey,
plus the file size, and the time of rendering its SVG.

    .venv/bin/python bench/bench_exchange.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(prefix="bench-exchange-"), "bench.sqlite3")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from boards.svg_export import journey_svg  # noqa: E402
from exchange import services as exchange  # noqa: E402
from journeys.models import (  # noqa: E402
    Department,
    Handoff,
    Journey,
    Lane,
    Membership,
    PainPoint,
    PainPointActivity,
    Step,
)


def build_board(owner, departments: list[Department], steps: int, handoffs: int, pain_points: int) -> Journey:
    """Bulk-build a big journey: a chain of steps plus random hand-offs, pain points with two history rows each."""
    rng = random.Random(steps)
    journey = Journey.objects.create(title=f"Big board {steps}", created_by=owner)
    Membership.objects.create(journey=journey, user=owner, role=Membership.Role.FACILITATOR)
    Lane.objects.bulk_create(Lane(journey=journey, department=d, position=i) for i, d in enumerate(departments))
    made = Step.objects.bulk_create(
        Step(journey=journey, department=rng.choice(departments), title=f"Step {i}: it happens", position=i * 1024)
        for i in range(steps)
    )
    pairs = {(a.pk, b.pk) for a, b in zip(made, made[1:], strict=False)}
    while len(pairs) < handoffs:
        a, b = rng.sample(made, 2)
        pairs.add((a.pk, b.pk))
    Handoff.objects.bulk_create(Handoff(journey=journey, from_step_id=a, to_step_id=b) for a, b in pairs)
    now = timezone.now()
    points = PainPoint.objects.bulk_create(
        PainPoint(journey=journey, step=rng.choice(made), text=f"Pain {i}", created_at=now) for i in range(pain_points)
    )
    through = PainPoint.responsible_departments.through
    through.objects.bulk_create(through(painpoint_id=p.pk, department_id=rng.choice(departments).pk) for p in points)
    PainPointActivity.objects.bulk_create(
        PainPointActivity(pain_point=p, kind=kind, text=p.text, to_status="open", created_at=now)
        for p in points
        for kind in ("created", "tagged")
    )
    return journey


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
    journey = build_board(owner, departments, steps=300, handoffs=500, pain_points=1000)

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
