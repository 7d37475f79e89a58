"""Every write to a journey. Keyword-only `<entity>_<verb>` functions; views call exactly one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys import limits
from journeys.changes import Change, bump_version, check_version, journey_change
from journeys.flow import share_problem
from journeys.models import (
    MAX_WAIT_MINUTES,
    Department,
    Handoff,
    Journey,
    Lane,
    LaneRole,
    Membership,
    PainPoint,
    PainPointActivity,
    Step,
)
from journeys.text import required_text

POSITION_GAP = 1024


# Journeys and membership ---------------------------------------------------------------------------------------


def journey_create(*, title: str, description: str = "", actor: Any) -> Journey:
    title = required_text(title, "title", _("Give the customer question a title."))
    with transaction.atomic():
        journey = Journey.objects.create(title=title, description=description.strip(), created_by=actor)
        Membership.objects.create(journey=journey, user=actor, role=Membership.Role.FACILITATOR)
    return journey


# Lanes ----------------------------------------------------------------------------------------------------------


def _ensure_lane(change: Change, department: Department | None) -> None:
    """Give the department a lane on the journey if it has none."""
    journey = change.journey
    if department is None or Lane.objects.filter(journey=journey, department=department).exists():
        return
    last = Lane.objects.filter(journey=journey).aggregate(last=Max("position"))["last"]
    change.created(Lane.objects.create(journey=journey, department=department, position=(last or 0) + 1))


def lane_add(*, journey: Journey, department: Department, actor: Any, op_id: str = "") -> Lane:
    with journey_change(journey=journey, actor=actor, kind="lane.added", op_id=op_id) as change:
        _ensure_lane(change, department)
        change.touch(layout=True)
    return Lane.objects.get(journey=journey, department=department)


def lane_move(
    *,
    journey: Journey,
    department: Department,
    offset: int,
    actor: Any,
    op_id: str = "",
) -> None:
    """Move a lane `offset` places up (negative) or down (positive)."""
    with journey_change(journey=journey, actor=actor, kind="lane.moved", op_id=op_id) as change:
        lanes = list(Lane.objects.filter(journey=journey))
        change.snapshot(*lanes)
        current = next(
            (i for i, lane in enumerate(lanes) if lane.department_id == department.pk),
            None,
        )
        if current is None:
            raise ValidationError({"department": _("That department has no lane on this journey.")})
        target = min(max(current + offset, 0), len(lanes) - 1)
        lanes.insert(target, lanes.pop(current))
        for index, lane in enumerate(lanes):
            lane.position = index
        Lane.objects.bulk_update(lanes, ["position"])
        change.touch(layout=True)


def lane_role_set(*, journey: Journey, department: Department, role: str, actor: Any, op_id: str = "") -> Lane:
    """Give a lane its role in the service blueprint ("" takes it away); the lines follow from the roles."""
    if role and role not in LaneRole.values:
        raise ValidationError({"role": _("Choose customer, frontstage, backstage or support.")})
    with journey_change(journey=journey, actor=actor, kind="lane.role_set", op_id=op_id) as change:
        lane = Lane.objects.select_for_update().filter(journey=journey, department=department).first()
        if lane is None:
            raise ValidationError({"department": _("That department has no lane on this journey.")})
        change.snapshot(lane)
        lane.role = role
        lane.save(update_fields=["role"])
        change.touch(layout=True)
    return lane


# Steps ----------------------------------------------------------------------------------------------------------


def _check_department(department: Department | None) -> None:
    if department is not None and not Department.objects.filter(pk=department.pk).exists():
        raise ValidationError({"department": _("That department does not exist.")})


def _check_same_journey(journey: Journey, *steps: Step | None) -> None:
    for step in steps:
        if step is not None and step.journey_id != journey.pk:
            raise ValidationError(_("That step belongs to another journey."))


def _renumber_positions(journey: Journey) -> None:
    steps = list(Step.objects.filter(journey=journey))
    for index, step in enumerate(steps, start=1):
        step.position = index * POSITION_GAP
    Step.objects.bulk_update(steps, ["position"])


def _position_after(journey: Journey, after: Step | None, moving: Step | None = None) -> int:
    """A position right after `after` in the process order (at the start when None), renumbering if crowded."""
    others = Step.objects.filter(journey=journey)
    if moving is not None:
        others = others.exclude(pk=moving.pk)
    for _attempt in range(2):
        floor = after.position if after is not None else None
        following = others.filter(position__gt=floor) if floor is not None else others
        ceiling = following.order_by("position").values_list("position", flat=True).first()
        if floor is None:
            floor = (ceiling if ceiling is not None else POSITION_GAP) - POSITION_GAP
        if ceiling is None:
            return floor + POSITION_GAP
        if ceiling - floor > 1:
            return (floor + ceiling) // 2
        _renumber_positions(journey)
        if after is not None:
            after.refresh_from_db(fields=["position"])
    raise RuntimeError("no room for a step position after renumbering")


def _last_step(journey: Journey) -> Step | None:
    return Step.objects.filter(journey=journey).order_by("position", "id").last()


def _new_step_position(journey: Journey, after: Step | None, before: Step | None) -> int:
    if after is not None:
        after.refresh_from_db(fields=["position"])  # the anchor as it is now, under the lock
        return _position_after(journey, after)
    if before is not None:
        before.refresh_from_db(fields=["position"])
        previous = Step.objects.filter(journey=journey, position__lt=before.position).order_by("position").last()
        return _position_after(journey, previous)
    last = _last_step(journey)
    return _position_after(journey, last) if last is not None else POSITION_GAP


def step_create(
    *,
    journey: Journey,
    actor: Any,
    title: str,
    department: Department | None,
    description: str = "",
    channel: str = "",
    duration_minutes: int | None = None,
    after: Step | None = None,
    before: Step | None = None,
    op_id: str = "",
) -> Step:
    """Add a step right after `after` (or right before `before`) in the process order, else at the end. The place
    is decided under the journey lock, so steps added at the same moment each land next to their own anchor."""
    title = required_text(title, "title", _("Give the step a title."))
    _check_department(department)
    _check_same_journey(journey, after, before)
    with journey_change(journey=journey, actor=actor, kind="step.created", op_id=op_id) as change:
        limits.require_room(journey, "steps")
        step = Step.objects.create(
            journey=journey,
            department=department,
            title=title,
            description=description.strip(),
            channel=channel,
            duration_minutes=duration_minutes,
            position=_new_step_position(journey, after, before),
        )
        change.created(step)
        _ensure_lane(change, department)
        change.touch(layout=True, step=step.pk)
    return step


def step_update(
    *,
    step: Step,
    actor: Any,
    base_version: int | None,
    title: str,
    description: str = "",
    channel: str = "",
    duration_minutes: int | None = None,
    op_id: str = "",
) -> Step:
    title = required_text(title, "title", _("Give the step a title."))
    attempted = {
        "title": title,
        "description": description,
        "channel": channel,
        "duration_minutes": duration_minutes,
    }
    with journey_change(journey=step.journey, actor=actor, kind="step.updated", op_id=op_id) as change:
        step = Step.objects.select_for_update().get(pk=step.pk)
        check_version(step, base_version, attempted)
        change.snapshot(step)
        renamed = step.title != title
        for name, value in attempted.items():
            setattr(step, name, value.strip() if isinstance(value, str) else value)
        bump_version(step)
        step.save()
        change.touch(step=step.pk)
        if renamed:  # the hand-off lists of the steps linked to it name it
            change.touch(linked_steps=_linked_steps(step))
    return step


def step_move(
    *,
    step: Step,
    actor: Any,
    base_version: int | None,
    department: Department | None,
    after: Step | None = None,
    before: Step | None = None,
    op_id: str = "",
) -> Step:
    """Put a step in another lane and/or another place in the process order, as one change.

    With neither `after` nor `before`, the step keeps its place in the order and only changes lane.
    """
    _check_department(department)
    _check_same_journey(step.journey, after, before)
    if step in (after, before):
        raise ValidationError(_("A step cannot be placed next to itself."))
    attempted = {
        "department": department.name if department else "",
        "after": after and after.title,
    }
    with journey_change(journey=step.journey, actor=actor, kind="step.moved", op_id=op_id) as change:
        step = Step.objects.select_for_update().get(pk=step.pk)
        check_version(step, base_version, attempted)
        change.snapshot(step)
        if before is not None:
            after = Step.objects.filter(journey=step.journey, position__lt=before.position).exclude(pk=step.pk).last()
            step.position = _position_after(step.journey, after, moving=step)
        elif after is not None:
            step.position = _position_after(step.journey, after, moving=step)
        step.department = department
        bump_version(step)
        step.save()
        _ensure_lane(change, department)
        change.touch(layout=True, step=step.pk)
    return step


def step_delete(*, step: Step, actor: Any, base_version: int | None, op_id: str = "") -> None:
    with journey_change(journey=step.journey, actor=actor, kind="step.deleted", op_id=op_id) as change:
        current = Step.objects.select_for_update().get(pk=step.pk)
        check_version(current, base_version, {"deleted": True})
        change.snapshot(current, *Handoff.objects.filter(Q(from_step=current) | Q(to_step=current)))
        pain_points = list(current.pain_points.all())
        change.snapshot(*pain_points, *PainPointActivity.objects.filter(pain_point__in=pain_points))
        change.touch(layout=True, deleted_step=current.pk, linked_steps=_linked_steps(current))
        current.delete()


def _linked_steps(step: Step) -> list[int]:
    """The other steps a step hands off to or receives from: their hand-off lists name it."""
    linked = Handoff.objects.filter(Q(from_step=step) | Q(to_step=step)).values_list("from_step_id", "to_step_id")
    return sorted({pk for pair in linked for pk in pair} - {step.pk})


# Hand-offs ------------------------------------------------------------------------------------------------------


def handoff_create(
    *,
    journey: Journey,
    actor: Any,
    from_step: Step,
    to_step: Step,
    label: str = "",
    op_id: str = "",
) -> Handoff:
    _check_same_journey(journey, from_step, to_step)
    if from_step.pk == to_step.pk:
        raise ValidationError({"to_step": _("A hand-off goes to another step, not to the same one.")})
    if Handoff.objects.filter(from_step=from_step, to_step=to_step).exists():
        raise ValidationError({"to_step": _("These two steps are already linked.")})
    with journey_change(journey=journey, actor=actor, kind="handoff.created", op_id=op_id) as change:
        limits.require_room(journey, "handoffs")
        handoff = Handoff.objects.create(journey=journey, from_step=from_step, to_step=to_step, label=label.strip())
        change.created(handoff)
        change.touch(layout=True, handoff=handoff.pk, step=from_step.pk, other_step=to_step.pk)
    return handoff


def handoff_update(
    *,
    handoff: Handoff,
    actor: Any,
    base_version: int | None,
    label: str,
    op_id: str = "",
) -> Handoff:
    with journey_change(journey=handoff.journey, actor=actor, kind="handoff.updated", op_id=op_id) as change:
        handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
        check_version(handoff, base_version, {"label": label})
        change.snapshot(handoff)
        handoff.label = label.strip()
        bump_version(handoff)
        handoff.save()
        change.touch(
            layout=True,
            handoff=handoff.pk,
            step=handoff.from_step_id,
            other_step=handoff.to_step_id,
        )
    return handoff


def handoff_delete(*, handoff: Handoff, actor: Any, base_version: int | None, op_id: str = "") -> None:
    with journey_change(journey=handoff.journey, actor=actor, kind="handoff.deleted", op_id=op_id) as change:
        current = Handoff.objects.select_for_update().get(pk=handoff.pk)
        check_version(current, base_version, {"deleted": True})
        change.snapshot(current)
        change.touch(layout=True, step=current.from_step_id, other_step=current.to_step_id)
        current.delete()


@dataclass(frozen=True)
class RouteFigures:
    """What the participants know of one route out of a step; None where nobody knows."""

    handoff_id: int
    wait_minutes: int | None = None
    share_percent: int | None = None
    complete_accurate_percent: int | None = None
    base_version: int | None = None

    def fields(self) -> dict[str, int | None]:
        return {
            "wait_minutes": self.wait_minutes,
            "share_percent": self.share_percent,
            "complete_accurate_percent": self.complete_accurate_percent,
        }


def step_routes_update(*, step: Step, actor: Any, routes: list[RouteFigures], op_id: str = "") -> Step:
    """Set the waiting time, share of cases and %C&A of a step's routes (its outgoing hand-offs) as one change, so
    their shares can be checked together: they add up to 100 %, or leave something for the routes without one."""
    for route in routes:
        _check_route_figures(route)
    with journey_change(journey=step.journey, actor=actor, kind="handoff.routes_updated", op_id=op_id) as change:
        handoffs = {h.pk: h for h in Handoff.objects.select_for_update().filter(from_step_id=step.pk)}
        if any(route.handoff_id not in handoffs for route in routes):
            raise ValidationError(
                _("A route of this step was removed meanwhile. Open the step again to see its routes now.")
            )
        for route in routes:
            check_version(handoffs[route.handoff_id], route.base_version, route.fields())
        given = {route.handoff_id: route for route in routes}
        _check_shares(step, [given[pk].share_percent if pk in given else h.share_percent for pk, h in handoffs.items()])
        change.snapshot(*(handoffs[pk] for pk in given))
        for pk, route in given.items():
            handoff = handoffs[pk]
            for name, value in route.fields().items():
                setattr(handoff, name, value)
            bump_version(handoff)
            handoff.save()
        change.touch(step=step.pk)
    return step


def _check_route_figures(route: RouteFigures) -> None:
    wait, share, judged = route.wait_minutes, route.share_percent, route.complete_accurate_percent
    if wait is not None and not 0 <= wait <= MAX_WAIT_MINUTES:
        raise ValidationError(_("A waiting time lies between 0 minutes and 365 days."))
    if any(value is not None and not 0 <= value <= 100 for value in (share, judged)):
        raise ValidationError(_("A percentage lies between 0 and 100."))


def _check_shares(step: Step, shares: list[int | None]) -> None:
    problem = share_problem(shares)
    if problem is None:
        return
    if problem.missing:
        message = _(
            "The shares filled in for the routes from “%(step)s” add up to %(total)s%%, which leaves nothing for"
            " the routes without a share: give those 0%% if no case takes them, or lower the others."
        )
    else:
        message = _("The shares of the routes from “%(step)s” add up to %(total)s%%; make them add up to 100%%.")
    raise ValidationError(message % {"step": step.title, "total": problem.total})


# Pain points ----------------------------------------------------------------------------------------------------


def _clean_pain_point(text: str, severity: str, departments: Iterable[Department]) -> tuple[str, list[Department]]:
    text = text.strip()
    departments = list(departments)
    errors = {}
    if severity not in PainPoint.Severity.values:
        errors["severity"] = _("Choose low, medium or high.")
    if not text:
        errors["text"] = _("Describe the pain point in a few words.")
    if not departments:
        errors["responsible_departments"] = _("Name at least one responsible department.")
    elif Department.objects.filter(pk__in=[d.pk for d in departments]).count() != len(set(departments)):
        errors["responsible_departments"] = _("That department does not exist.")
    if errors:
        raise ValidationError(errors)
    return text, departments


def log_activity(
    pain_point: PainPoint,
    *,
    actor: Any,
    kind: str,
    text: str = "",
    from_status: str = "",
) -> PainPointActivity:
    return PainPointActivity.objects.create(
        pain_point=pain_point,
        actor=actor,
        kind=kind,
        text=text,
        from_status=from_status,
        to_status=pain_point.status,
        created_at=timezone.now(),
    )


def pain_point_create(
    *,
    step: Step,
    actor: Any,
    text: str,
    severity: str,
    departments: Iterable[Department],
    op_id: str = "",
    along: Callable[[Change, PainPoint], None] | None = None,
) -> PainPoint:
    """`along` runs inside the same change once the pain point exists: a feature that makes a pain point out of
    something of its own (a report accepted in triage) records that in the same event, undone with it."""
    text, departments = _clean_pain_point(text, severity, departments)
    with journey_change(journey=step.journey, actor=actor, kind="pain_point.created", op_id=op_id) as change:
        limits.require_room(step.journey, "pain_points")
        pain_point = PainPoint.objects.create(
            journey=step.journey,
            step=step,
            text=text,
            severity=severity,
            created_by=actor,
            created_at=timezone.now(),
        )
        pain_point.responsible_departments.set(departments)
        change.created(pain_point)
        log_activity(pain_point, actor=actor, kind=PainPointActivity.Kind.CREATED, text=text)
        names = ", ".join(sorted(d.name for d in departments))
        log_activity(pain_point, actor=actor, kind=PainPointActivity.Kind.TAGGED, text=names)
        change.touch(step=step.pk, pain_point=pain_point.pk)
        if along is not None:
            along(change, pain_point)
    return pain_point


def pain_point_update(
    *,
    pain_point: PainPoint,
    actor: Any,
    base_version: int | None,
    text: str,
    severity: str,
    departments: Iterable[Department],
    op_id: str = "",
) -> PainPoint:
    text, departments = _clean_pain_point(text, severity, departments)
    attempted = {
        "text": text,
        "severity": severity,
        "departments": ", ".join(d.name for d in departments),
    }
    with journey_change(journey=pain_point.journey, actor=actor, kind="pain_point.updated", op_id=op_id) as change:
        pain_point = PainPoint.objects.select_for_update().get(pk=pain_point.pk)
        check_version(pain_point, base_version, attempted)
        change.snapshot(pain_point)
        before = set(pain_point.responsible_departments.values_list("pk", flat=True))
        pain_point.text, pain_point.severity = text, severity
        bump_version(pain_point)
        pain_point.save()
        pain_point.responsible_departments.set(departments)
        change.created(log_activity(pain_point, actor=actor, kind=PainPointActivity.Kind.EDITED, text=text))
        if before != {d.pk for d in departments}:
            names = ", ".join(sorted(d.name for d in departments))
            change.created(log_activity(pain_point, actor=actor, kind=PainPointActivity.Kind.TAGGED, text=names))
        change.touch(step=pain_point.step_id, pain_point=pain_point.pk)
    return pain_point


def pain_point_delete(*, pain_point: PainPoint, actor: Any, base_version: int | None, op_id: str = "") -> None:
    with journey_change(journey=pain_point.journey, actor=actor, kind="pain_point.deleted", op_id=op_id) as change:
        current = PainPoint.objects.select_for_update().get(pk=pain_point.pk)
        check_version(current, base_version, {"deleted": True})
        change.snapshot(current, *current.activities.all())
        change.touch(step=current.step_id, deleted_pain_point=current.pk)
        current.delete()
