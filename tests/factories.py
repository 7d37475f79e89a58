"""Plain factory functions for tests: each makes one thing with sensible defaults."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from journeys import services
from journeys.models import Department, Journey, Membership, PainPoint, Step

_counter = itertools.count(1)
PASSWORD = "test-pass-123"


def make_user(username: str | None = None, *, departments: list[Department] = (), **fields: Any):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    for department in departments:
        department.members.add(user)
    return user


def make_department(name: str | None = None, colour: str = "#336699") -> Department:
    return Department.objects.create(name=name or f"Department {next(_counter)}", colour=colour)


def make_journey(
    *, facilitator=None, members: list = (), title: str = "I want to report a change of address"
) -> Journey:
    facilitator = facilitator or make_user()
    journey = services.journey_create(title=title, actor=facilitator)
    for member in members:
        Membership.objects.create(journey=journey, user=member)
    return journey


def make_step(journey: Journey, title: str = "Customer fills in the form", department: Department | None = None, **kw):
    actor = kw.pop("actor", None) or journey.created_by
    return services.step_create(journey=journey, actor=actor, title=title, department=department, **kw)


def link(journey: Journey, source: Step, target: Step, label: str = ""):
    return services.handoff_create(
        journey=journey, actor=journey.created_by, from_step=source, to_step=target, label=label
    )


def make_pain_point(
    step: Step, departments: list[Department], text: str = "Nobody says what happens next", **kw
) -> PainPoint:
    actor = kw.pop("actor", None) or step.journey.created_by
    severity = kw.pop("severity", "medium")
    return services.pain_point_create(
        step=step, actor=actor, text=text, severity=severity, departments=departments, **kw
    )


def give_estimates(journey: Journey, participant, scores: dict) -> None:
    from journeys import mirror

    mirror.mirror_estimates_give(journey=journey, actor=participant, scores=scores)


def make_workshop(participants: int = 2, *, pain_points: int = 3):
    """A journey with a facilitator, `participants` participants and open pain points on one step, for the
    workshop tools: returns (journey, facilitator, [participants], [pain points])."""
    facilitator = make_user()
    people = [make_user() for _ in range(participants)]
    journey = make_journey(facilitator=facilitator, members=people)
    department = make_department()
    step = make_step(journey, department=department)
    points = [make_pain_point(step, [department], text=f"Pain point {index}") for index in range(1, pain_points + 1)]
    return journey, facilitator, people, points


# Manager dashboard: backdated pain points and status changes, recorded as the timeline records them ---------------


def backdate_pain_point(pain_point: PainPoint, when) -> PainPoint:
    """Pretend the pain point was reported at `when` (its creation activities move with it)."""
    from journeys.models import PainPointActivity

    PainPoint.objects.filter(pk=pain_point.pk).update(created_at=when)
    PainPointActivity.objects.filter(pain_point=pain_point).update(created_at=when)
    pain_point.refresh_from_db()
    return pain_point


def record_status_change(pain_point: PainPoint, status: str, when) -> PainPoint:
    """Move a pain point to `status` at `when`, with the timeline entry a status change leaves."""
    from journeys.models import PainPointActivity

    kinds = {"solved": "solved", "wont_fix": "wont_fix", "in_progress": "picked_up", "open": "reopened"}
    PainPointActivity.objects.create(
        pain_point=pain_point,
        kind=kinds[status],
        from_status=pain_point.status,
        to_status=status,
        created_at=when,
    )
    pain_point.status = status
    pain_point.solved_at = when if status == "solved" else None
    pain_point.save(update_fields=["status", "solved_at"])
    return pain_point


def make_manager(username: str | None = None, **fields: Any):
    from django.contrib.auth.models import Group

    user = make_user(username, **fields)
    user.groups.add(Group.objects.get_or_create(name="Managers")[0])  # a transactional test flushes the migration's
    return user


def make_owners_world() -> dict[str, Any]:
    """A journey with one IT pain point: Anna facilitates (no department), Carla and Ivo are IT, Dirk is Finance,
    and `outsider` is IT but not on the journey."""
    it, finance = make_department("IT"), make_department("Finance")
    anna = make_user("anna", first_name="Anna", last_name="de Vries")
    carla = make_user("carla", departments=[it], first_name="Carla", last_name="Bakker")
    ivo = make_user("ivo", departments=[it], first_name="Ivo", last_name="Mol")
    dirk = make_user("dirk", departments=[finance])
    outsider = make_user("outsider", departments=[it])
    journey = make_journey(facilitator=anna, members=[carla, ivo, dirk])
    step = make_step(journey, "Agent cannot see the status", department=it)
    pain_point = make_pain_point(step, [it], "The agent cannot see the status of the change")
    return {
        "it": it,
        "finance": finance,
        "anna": anna,
        "carla": carla,
        "ivo": ivo,
        "dirk": dirk,
        "outsider": outsider,
        "journey": journey,
        "step": step,
        "pain_point": pain_point,
    }
