"""Benchmark of the digest: 2,000 people in 40 departments, 200 journeys, 20,000 pain points, a few notifications
waiting for each person's digest.

Builds the data once in a scratch SQLite file (bench/out/digest.sqlite3, kept between runs; --rebuild starts over),
then sends one period's digests (rendered in full, delivered to Django's in-memory e-mail backend) first to 200 of
the people, then to all 2,000, and prints the time and the number of queries of each run: the queries do not
depend on the number of people.

    .venv/bin/python bench/bench_digest.py [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PEOPLE, DEPARTMENTS, JOURNEYS, PAIN_POINTS, STEPS_PER_JOURNEY = 2_000, 40, 200, 20_000, 6
JOURNEYS_PER_PERSON, WAITING_PER_PERSON = 8, 3


def setup_django(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench import harness

    harness.setup_django(db_path, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def build(seed: int = 18) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from journeys.models import Department, Journey, Membership, PainPoint, Step
    from notifications.models import Delivery, Kind, Notification, NotificationPreference

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    now, today = timezone.now(), timezone.localdate()
    user_model = get_user_model()
    with transaction.atomic():
        people = user_model.objects.bulk_create(
            user_model(username=f"person{i:04d}", first_name=f"Person {i}", email=f"person{i}@example.org")
            for i in range(PEOPLE)
        )
        departments = Department.objects.bulk_create(Department(name=f"Department {i:02d}") for i in range(DEPARTMENTS))
        member = Department.members.through
        member.objects.bulk_create(
            member(department_id=d.pk, user_id=p.pk)
            for p in people
            for d in rng.sample(departments, rng.choice([1, 2]))
        )
        journeys = Journey.objects.bulk_create(
            Journey(title=f"Customer question {i:03d}", created_by=people[0], invite_token=f"bench-{i}")
            for i in range(JOURNEYS)
        )
        Membership.objects.bulk_create(
            Membership(journey=j, user=p) for p in people for j in rng.sample(journeys, JOURNEYS_PER_PERSON)
        )
        steps = Step.objects.bulk_create(
            Step(journey=j, title=f"Step {k}", position=k * 1024) for j in journeys for k in range(STEPS_PER_JOURNEY)
        )
        steps_of: dict[int, list[Step]] = {}
        for step in steps:
            steps_of.setdefault(step.journey_id, []).append(step)
        rows = []
        for index in range(PAIN_POINTS):
            journey = journeys[rng.randrange(JOURNEYS)]
            status = rng.choice(["open", "open", "in_progress", "solved", "solved", "wont_fix"])
            target = today + datetime.timedelta(days=rng.randint(-20, 40)) if status == "in_progress" else None
            solved_at = now - datetime.timedelta(days=rng.randint(0, 60)) if status == "solved" else None
            rows.append(
                PainPoint(
                    journey=journey,
                    step=rng.choice(steps_of[journey.pk]),
                    text=f"Pain point {index}: the customer does not know what happens next",
                    status=status,
                    target_date=target,
                    created_at=now - datetime.timedelta(days=rng.randint(1, 200)),
                    solved_at=solved_at,
                )
            )
        pain_points = PainPoint.objects.bulk_create(rows, batch_size=2000)
        link = PainPoint.responsible_departments.through
        link.objects.bulk_create(
            (link(painpoint_id=p.pk, department_id=d.pk) for p in pain_points for d in rng.sample(departments, 2)),
            batch_size=5000,
        )
        Notification.objects.bulk_create(
            (
                Notification(
                    recipient=person,
                    kind=Kind.COMMENTED,
                    actor=people[0],
                    journey_id=pain_point.journey_id,
                    pain_point=pain_point,
                    text="Customers call about this every week",
                    url=f"/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/",
                    delivery=Delivery.DIGEST,
                )
                for person in people
                for pain_point in rng.sample(pain_points, WAITING_PER_PERSON)
            ),
            batch_size=2000,
        )
        NotificationPreference.objects.bulk_create(
            NotificationPreference(user=p, language=rng.choice(["en", "nl"])) for p in people[::2]
        )


def run(label: str, now: datetime.datetime) -> None:
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.digest import digests_send

    mail.outbox = []
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        report = digests_send(now=now)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label:>14}: {report.sent:5d} digests sent, {report.empty} empty, {report.failed} failed in {wall:5.1f} s "
        f"(CPU {cpu:5.1f} s, {1000 * wall / max(report.claimed, 1):4.1f} ms per person), {len(queries)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db_path = OUT / "digest.sqlite3"
    if args.rebuild:
        for path in OUT.glob("digest.sqlite3*"):
            path.unlink()
    fresh = not db_path.exists()
    setup_django(db_path)
    if fresh:
        started = time.perf_counter()
        build()
        print(
            f"built {PEOPLE} people, {JOURNEYS} journeys, {PAIN_POINTS} pain points "
            f"in {time.perf_counter() - started:.0f} s"
        )
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from notifications.models import DigestDelivery, Notification

    DigestDelivery.objects.all().delete()
    Notification.objects.update(delivered_at=None)
    people = get_user_model().objects.order_by("pk")
    tenth = list(people.values_list("pk", flat=True)[: PEOPLE // 10])
    monday = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(7)))
    people.exclude(pk__in=tenth).update(is_active=False)
    run(f"{len(tenth)} people", monday)
    people.update(is_active=True)
    run(f"{PEOPLE} people", monday + datetime.timedelta(days=7))


if __name__ == "__main__":
    main()
