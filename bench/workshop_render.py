"""How long the workshop's pushed fragments take to render, and a dot placed end to end (lock, check, event).

Run: SQLITE_PATH=/tmp/bench-workshop.sqlite3 python bench/workshop_render.py [pain_points] [participants]
Uses its own SQLite file (recreated each run); prints median and p95 in milliseconds.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SQLITE_PATH", "/tmp/bench-workshop.sqlite3")
for suffix in ("", "-wal", "-shm"):
    Path(os.environ["SQLITE_PATH"] + suffix).unlink(missing_ok=True)

import django  # noqa: E402

django.setup()
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from journeys import services as journey_services  # noqa: E402
from journeys.models import Department, Membership, PainPoint  # noqa: E402
from workshops import fragments, services  # noqa: E402


def timed(label: str, action, runs: int = 50) -> None:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<44} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")


def main(pain_points: int, participants: int) -> None:
    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    facilitator = users.create_user("bench-facilitator")
    journey = journey_services.journey_create(title="Bench", actor=facilitator)
    people = [users.create_user(f"bench-{i}") for i in range(participants)]
    Membership.objects.bulk_create([Membership(journey=journey, user=person) for person in people])
    department = Department.objects.create(name="Bench department")
    steps = [
        journey_services.step_create(journey=journey, actor=facilitator, title=f"Step {i}", department=department)
        for i in range(max(pain_points // 5, 1))
    ]
    for i in range(pain_points):
        journey_services.pain_point_create(
            step=steps[i % len(steps)], actor=facilitator, text=f"Pain {i}", severity="medium", departments=[department]
        )
    points = list(PainPoint.objects.filter(journey=journey))
    voting = services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=5)
    for index, person in enumerate(people):
        for dot in range(4):
            services.dot_place(voting=voting, actor=person, pain_point=points[(index * 7 + dot) % len(points)])
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=300)
    print(f"{pain_points} pain points, {participants} participants, {participants * 4} dots")
    timed("voting fragments (status + panel)", lambda: fragments.voting_fragments(journey, {"voting": voting.pk}))
    timed("timer fragment", lambda: fragments.timer_fragments(journey, {"timer": True}))
    timed("score fragment", lambda: fragments.indicator_fragments(journey, {"score": True}))
    timed("all workshop fragments (catch-up)", lambda: fragments.all_fragments(journey))
    state = {"pick": 0}

    def place_and_remove() -> None:
        person = people[state["pick"] % len(people)]
        state["pick"] += 1
        services.dot_remove(voting=voting, actor=person, pain_point=points[(people.index(person) * 7) % len(points)])
        services.dot_place(voting=voting, actor=person, pain_point=points[(people.index(person) * 7) % len(points)])

    timed("dot remove + place (two changes)", place_and_remove)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else 40)
