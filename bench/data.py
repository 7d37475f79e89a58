"""Bench data written straight into the tables (the services would take minutes at these sizes; the pages read the
same rows). Import it after Django is set up (`harness.setup_django`)."""

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from journeys.models import Department, Handoff, Journey, Lane, Membership, PainPoint, PainPointActivity, Step


def big_board(
    owner: Any,
    departments: list[Department],
    steps: int,
    handoffs: int,
    pain_points: int,
    *,
    statuses: tuple[str, ...] = ("open",),
    history: bool = False,
) -> Journey:
    """A chain of steps plus random hand-offs, and pain points with one responsible department each, their status in
    turn from `statuses`; with `history`, each pain point has its two history rows (created, tagged)."""
    rng = random.Random(steps)
    journey = Journey.objects.create(title=f"Big board {steps}", created_by=owner)
    Membership.objects.create(journey=journey, user=owner, role=Membership.Role.FACILITATOR)
    Lane.objects.bulk_create(Lane(journey=journey, department=d, position=i) for i, d in enumerate(departments))
    made = Step.objects.bulk_create(
        Step(journey=journey, department=rng.choice(departments), title=f"Step {i}: it happens", position=i * 1024)
        for i in range(steps)
    )
    pairs = {(a.pk, b.pk) for a, b in zip(made, made[1:], strict=False)}
    while len(pairs) < min(handoffs, len(made) * (len(made) - 1)):
        a, b = rng.sample(made, 2)
        pairs.add((a.pk, b.pk))
    edges = list(pairs)[:handoffs]
    Handoff.objects.bulk_create(Handoff(journey=journey, from_step_id=a, to_step_id=b) for a, b in edges)
    now = timezone.now()
    points = PainPoint.objects.bulk_create(
        PainPoint(
            journey=journey,
            step=rng.choice(made),
            text=f"Pain {i}",
            status=statuses[i % len(statuses)],
            created_at=now,
        )
        for i in range(pain_points)
    )
    through = PainPoint.responsible_departments.through
    through.objects.bulk_create(through(painpoint_id=p.pk, department_id=rng.choice(departments).pk) for p in points)
    if history:
        PainPointActivity.objects.bulk_create(
            PainPointActivity(pain_point=p, kind=kind, text=p.text, to_status="open", created_at=now)
            for p in points
            for kind in ("created", "tagged")
        )
    return journey


def facilitated_journeys(
    facilitator: Any, departments: list[Department], rng: random.Random, *, count: int, steps_each: int, title: str
) -> tuple[list[Journey], list[Step]]:
    """`count` journeys ("<title> 007") that `facilitator` runs, each with `steps_each` steps in random lanes."""
    journeys = Journey.objects.bulk_create(
        Journey(title=f"{title} {i:03d}", created_by=facilitator) for i in range(count)
    )
    Membership.objects.bulk_create(Membership(journey=j, user=facilitator, role="facilitator") for j in journeys)
    steps = Step.objects.bulk_create(
        Step(journey=j, department=rng.choice(departments), title=f"Step {k}", position=k * 1024)
        for j in journeys
        for k in range(steps_each)
    )
    return journeys, steps
