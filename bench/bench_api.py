"""Benchmark of the REST API's pain point list: 20,000 pain points on 100 journeys, read page by page.

Builds the data once in a scratch SQLite file (bench/out/api.sqlite3, kept between runs; --rebuild starts over),
then follows `next` from the first page to the last with a personal API token through Django's test client (the
whole stack: token authentication, throttling, the cursor, serialisation) and prints, for every page, the time it
took and the number of queries, then the median, the slowest page and the set of query counts (one number: the
same for every page however deep).

    .venv/bin/python bench/bench_api.py [--rebuild] [--page-size 100]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
JOURNEYS, DEPARTMENTS, PAIN_POINTS, STEPS_PER_JOURNEY = 100, 30, 20_000, 8


def setup_django(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench import harness

    harness.setup_django(db_path, API_REQUESTS_PER_MINUTE="100000")  # the bench reads faster than any client should


def build(seed: int = 21) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from bench.data import facilitated_journeys
    from journeys.models import Department, PainPoint

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        owner = get_user_model().objects.create_user("owner", password="bench-pass-123", first_name="Olga")
        departments = Department.objects.bulk_create(Department(name=f"Department {i:02d}") for i in range(DEPARTMENTS))
        owner.departments.set(departments[:5])
        _journeys, steps = facilitated_journeys(
            owner, departments, rng, count=JOURNEYS, steps_each=STEPS_PER_JOURNEY, title="Question"
        )
        statuses = ["open", "open", "in_progress", "solved", "wont_fix"]
        rows = []
        for index in range(PAIN_POINTS):
            step = rng.choice(steps)
            status = rng.choice(statuses)
            rows.append(
                PainPoint(
                    journey_id=step.journey_id, step=step, text=f"Pain point {index}", severity=rng.choice(
                        ["low", "medium", "high"]), status=status, owner=owner if status == "in_progress" else None,
                    created_by=owner, created_at=now - timedelta(days=rng.randrange(400)),
                )
            )  # fmt: skip
        pain_points = PainPoint.objects.bulk_create(rows, batch_size=2000)
        Tagged = PainPoint.responsible_departments.through
        Tagged.objects.bulk_create(
            (Tagged(painpoint_id=p.pk, department_id=d.pk) for p in pain_points for d in rng.sample(departments, 2)),
            batch_size=5000,
        )


def walk(page_size: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.services import api_token_create
    from journeys.models import PainPoint

    _token, raw = api_token_create(user=get_user_model().objects.get(username="owner"), name="bench")
    client, headers = Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url, params = reverse("api_pain_points"), {"page_size": page_size}
    client.get(url, params, **headers)  # warm up (imports, the token's "last used")
    seen, times, cpu_times, counts, page = [], [], [], [], 0
    print(f"{PainPoint.objects.count()} pain points, {page_size} per page")
    print("page  wall ms  cpu ms  queries")
    while url:
        page += 1
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url, params, **headers)
            elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        times.append(elapsed)
        cpu_times.append(cpu)
        counts.append(len(queries))
        print(f"{page:4d}  {elapsed:7.1f}  {cpu:6.1f}  {len(queries)}")
        url, params = body["next"], {}
    assert len(seen) == len(set(seen)) == PainPoint.objects.count(), "a pain point was skipped or repeated"
    slowest = max(times)
    print(
        f"{page} pages: wall median {statistics.median(times):.1f} ms, slowest {slowest:.1f} ms"
        f" (page {times.index(slowest) + 1}); CPU median {statistics.median(cpu_times):.1f} ms,"
        f" slowest {max(cpu_times):.1f} ms; all pages {sum(times) / 1000:.1f} s;"
        f" queries per page: {sorted(set(counts))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db_path = OUT / "api.sqlite3"
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    fresh = not db_path.exists()
    setup_django(db_path)
    if fresh:
        started = time.perf_counter()
        build()
        print(f"built in {time.perf_counter() - started:.1f} s")
    walk(args.page_size)


if __name__ == "__main__":
    main()
