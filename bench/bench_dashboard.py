"""Benchmark of the manager dashboard: 200 journeys, 40 departments, 20,000 pain points with their history.

Builds the data once in a scratch SQLite file (bench/out/dashboard.sqlite3, kept between runs; --rebuild starts
over), then requests the dashboard through Django's test client as a manager and prints the median render time and
the number of queries. "cold" clears the body cache before every request (a full render); "after a change" solves
or reopens one pain point through the service before every request (the body cache misses as after any change, and
that journey's kept weeks are counted again, as the after-change job does); "warm" is a manager whose filters another
manager has just rendered (the live-update path). The weeks the dashboard keeps per journey
(dashboard/pain_point_weeks.py) are counted once after the build, as the migration's first fill does.

    /work/main/.venv/bin/python bench/bench_dashboard.py [--rebuild] [--runs 30] [--postgres URL]

With --postgres (e.g. postgres://postgres@127.0.0.1:5432/bench_dashboard) the same data goes into that database
instead; it is created when missing and rebuilt when empty or with --rebuild.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
JOURNEYS, DEPARTMENTS, PAIN_POINTS, STEPS_PER_JOURNEY, WEEKS_OF_HISTORY = 200, 40, 20_000, 6, 60


def setup_django(db_path: Path, postgres: str = "") -> None:
    sys.path.insert(0, str(ROOT))
    from bench import harness

    harness.setup_django(db_path, **({"DATABASE_URL": postgres} if postgres else {}))


def build(seed: int = 7) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from bench.data import facilitated_journeys
    from journeys.models import Department, Event, Journey, PainPoint, PainPointActivity, Step

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        manager = get_user_model().objects.create_user("manager", password="bench-pass-123")
        manager.groups.add(Group.objects.get_or_create(name="Managers")[0])
        departments = Department.objects.bulk_create(
            Department(name=f"Department {i:02d}", colour=f"#{rng.randrange(0x1000000):06x}")
            for i in range(DEPARTMENTS)
        )
        journeys, steps = facilitated_journeys(
            manager, departments, rng, count=JOURNEYS, steps_each=STEPS_PER_JOURNEY, title="Customer question"
        )
        steps_of: dict[int, list[Step]] = {}
        for step in steps:
            steps_of.setdefault(step.journey_id, []).append(step)
        rows, histories = [], []
        # Rows go in as they would in production: in the order things happened.
        moments = sorted(now - timedelta(weeks=WEEKS_OF_HISTORY * rng.random() ** 1.3) for _ in range(PAIN_POINTS))
        for index, created in enumerate(moments):
            journey = journeys[rng.randrange(JOURNEYS)]
            history = _history(rng, created, now)
            status, solved_at = history[-1][2], (history[-1][0] if history[-1][2] == "solved" else None)
            rows.append(
                PainPoint(
                    journey=journey,
                    step=rng.choice(steps_of[journey.pk]),
                    text=f"Pain point {index}",
                    severity=rng.choice(["low", "medium", "high"]),
                    status=status,
                    created_by=manager,
                    created_at=created,
                    solved_at=solved_at,
                )
            )
            histories.append(history)
        pain_points = PainPoint.objects.bulk_create(rows, batch_size=2000)
        link = PainPoint.responsible_departments.through
        link.objects.bulk_create(
            (
                link(painpoint_id=p.pk, department_id=d.pk)
                for p in pain_points
                for d in rng.sample(departments, rng.choice([1, 1, 2, 2, 3]))
            ),
            batch_size=5000,
        )
        timeline = sorted(
            (when, p.pk, p.journey_id, before, after, kind)
            for p, history in zip(pain_points, histories, strict=True)
            for when, before, after, kind in _with_kinds(history)
        )
        PainPointActivity.objects.bulk_create(
            (
                PainPointActivity(
                    pain_point_id=pk, actor=manager, kind=kind, from_status=before, to_status=after, created_at=when
                )
                for when, pk, _journey, before, after, kind in timeline
            ),
            batch_size=5000,
        )
        seq: dict[int, int] = {}
        events = []
        for _when, _pk, journey_id, _before, _after, kind in timeline:
            seq[journey_id] = seq.get(journey_id, 0) + 1
            events.append(Event(journey_id=journey_id, seq=seq[journey_id], actor=manager, kind=f"pain_point.{kind}"))
        Event.objects.bulk_create(events, batch_size=5000)
        for journey in journeys:
            Journey.objects.filter(pk=journey.pk).update(seq=seq.get(journey.pk, 0))
    from dashboard.pain_point_weeks import keep_all

    keep_all()  # rows written in bulk, past the write path: counted as the migration counts existing data


def _history(rng: random.Random, created, now) -> list[tuple]:
    """(when, from, to) status changes of one pain point: created, maybe picked up, maybe closed, maybe reopened."""
    history = [(created, "", "open")]
    age = now - created
    if rng.random() < 0.75:
        history.append((created + age * rng.random() * 0.3, "open", "in_progress"))
    if rng.random() < min(0.9, age / timedelta(weeks=20)):
        closed = history[-1][0] + (now - history[-1][0]) * rng.random() * 0.8
        history.append((closed, history[-1][2], "solved" if rng.random() < 0.8 else "wont_fix"))
        if rng.random() < 0.08:
            history.append((closed + (now - closed) * rng.random() * 0.5, history[-1][2], "open"))
    return history


def _with_kinds(history: list[tuple]) -> list[tuple]:
    kinds = {"open": "reopened", "in_progress": "picked_up", "solved": "solved", "wont_fix": "wont_fix"}
    rows = [(history[0][0], "", "open", "created")]
    return rows + [(when, before, after, kinds[after]) for when, before, after in history[1:]]


def _prepare_postgres(url: str, *, rebuild: bool) -> bool:
    """Create (or with `rebuild`, recreate) the benchmark database; True when it has to be filled."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            admin.execute(f'DROP DATABASE "{name}"')
        if not exists or rebuild:
            admin.execute(f'CREATE DATABASE "{name}"')
            return True
    with psycopg.connect(url) as conn:
        filled = conn.execute("SELECT to_regclass('journeys_painpoint') IS NOT NULL").fetchone()[0]
        return not filled or not conn.execute("SELECT EXISTS (SELECT 1 FROM journeys_painpoint)").fetchone()[0]


def change_a_pain_point(run: int) -> None:
    """One pain point solved or reopened through the services, as a manager's colleague does."""
    from django.contrib.auth import get_user_model

    from journeys.models import PainPoint
    from painpoints import services

    actor = get_user_model().objects.get(username="manager")
    pain_point = PainPoint.objects.filter(status__in=["open", "in_progress", "solved"]).order_by("pk")[run % 50]
    if pain_point.status == "solved":
        services.pain_point_reopen(pain_point=pain_point, actor=actor, reason="Still hurts", base_version=None)
    else:
        services.pain_point_solve(pain_point=pain_point, actor=actor, resolution="Fixed", base_version=None)


def measure(client, url: str, runs: int, *, cold: bool, change: bool = False) -> tuple[float, float, float, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, cpu = [], []
    client.get(url)  # warm the templates and connections
    for run in range(runs):
        if cold:
            cache.clear()
        if change:
            change_a_pain_point(run)
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, response.status_code
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    p90 = sorted(timings)[int(len(timings) * 0.9) - 1]
    return statistics.median(timings), p90, statistics.median(cpu), len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="throw the scratch database away and build it again")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL to benchmark instead of SQLite")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db_path = OUT / "dashboard.sqlite3"
    if args.rebuild and not args.postgres:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    fresh = not db_path.exists()
    if args.postgres:
        fresh = _prepare_postgres(args.postgres, rebuild=args.rebuild)
    setup_django(db_path, args.postgres)
    if not fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # a scratch database from an older checkout gets the new tables
    if fresh:
        started = time.perf_counter()
        build()
        print(f"built the scratch database in {time.perf_counter() - started:.1f} s: {args.postgres or db_path}")

    from django.contrib.auth import get_user_model
    from django.test import Client

    from journeys.models import Department, Journey, PainPoint, PainPointActivity

    print(
        f"data: {Journey.objects.count()} journeys, {Department.objects.count()} departments, "
        f"{PainPoint.objects.count()} pain points, {PainPointActivity.objects.count()} timeline entries"
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    department = Department.objects.order_by("pk").first().pk
    journey = Journey.objects.order_by("pk").first().pk
    cases = [
        ("all journeys, 12 weeks", "/dashboard/"),
        ("one department, 12 weeks", f"/dashboard/?department={department}"),
        ("one journey, 12 weeks", f"/dashboard/?journey={journey}"),
        ("all journeys, 52 weeks", "/dashboard/?weeks=52"),
    ]
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores (wall time includes waiting for a core, CPU time not)")
    print(
        f"{'case':<26} {'cold median':>12} {'p90':>9} {'CPU':>9} {'queries':>7} {'after a change':>15} {'CPU':>9} "
        f"{'warm median':>12} {'queries':>7}"
    )
    for name, url in cases:
        cold, cold_p90, cold_cpu, cold_queries = measure(client, url, args.runs, cold=True)
        changed, _p90, changed_cpu, _queries = measure(client, url, args.runs, cold=False, change=True)
        warm, _p90, _cpu, warm_queries = measure(client, url, args.runs, cold=False)
        print(
            f"{name:<26} {cold:>9.1f} ms {cold_p90:>6.1f} ms {cold_cpu:>6.1f} ms {cold_queries:>7} "
            f"{changed:>12.1f} ms {changed_cpu:>6.1f} ms {warm:>9.1f} ms {warm_queries:>7}"
        )
    print("budget: cold median <= 150 ms; the query count does not grow with the data (asserted in the tests)")


if __name__ == "__main__":
    main()
