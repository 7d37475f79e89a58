"""Reads for the owners of pain points: their list across journeys, one pain point's page, the hand-over choices,
and what keeps an open list live (which departments a change concerns, and a marker that moves when a list may have
changed). Each is a fixed number of queries however many rows there are.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from fixes.models import FixLink
from journeys.models import Department, Event, Journey, Membership, PainPoint
from journeys.permissions import is_manager
from journeys.selectors import OPEN_STATUSES, journeys_for_user

SEVERITY_RANK = Case(
    When(severity=PainPoint.Severity.HIGH, then=Value(0)),
    When(severity=PainPoint.Severity.MEDIUM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
SORTS = {
    "severity": ("severity_rank", "created_at", "id"),
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
}
# Besides the four statuses: everything not closed yet, and the open ones past their target date.
STATE_ACTIVE, STATE_OVERDUE = "active", "overdue"


@dataclass(frozen=True)
class OwnerFilters:
    journey_id: int | None = None
    department_id: int | None = None
    severity: str = ""
    state: str = ""
    sort: str = "severity"


def departments_of(user: Any) -> QuerySet[Department]:
    if is_manager(user):
        return Department.objects.all()
    return Department.objects.filter(members=user)


def journeys_in_scope(user: Any) -> QuerySet[Journey]:
    return Journey.objects.all() if is_manager(user) else journeys_for_user(user)


def _with_row_data(pain_points: QuerySet[PainPoint]) -> QuerySet[PainPoint]:
    return pain_points.select_related("journey", "step", "owner").prefetch_related(
        Prefetch("responsible_departments", queryset=Department.objects.order_by("name")),
        Prefetch("fix_links", queryset=FixLink.objects.select_related("fix")),  # the shared fixes each row shows
    )


def _state_filter(state: str) -> Q:
    if state == STATE_ACTIVE:
        return Q(status__in=OPEN_STATUSES)
    if state == STATE_OVERDUE:
        return Q(status__in=OPEN_STATUSES, target_date__lt=timezone.localdate())
    if state in PainPoint.Status.values:
        return Q(status=state)
    return Q()


def pain_points_for_departments(*, user: Any, filters: OwnerFilters = OwnerFilters()) -> QuerySet[PainPoint]:
    """Pain points tagged with one of the user's departments, on journeys the user is a member of (managers: all)."""
    tagged = PainPoint.responsible_departments.through.objects.filter(department__in=departments_of(user))
    if filters.department_id:
        tagged = tagged.filter(department_id=filters.department_id)
    rows = PainPoint.objects.filter(
        pk__in=tagged.values("painpoint_id"),
        journey_id__in=journeys_in_scope(user).values("pk"),
    ).filter(_state_filter(filters.state))
    if filters.journey_id:
        rows = rows.filter(journey_id=filters.journey_id)
    if filters.severity in PainPoint.Severity.values:
        rows = rows.filter(severity=filters.severity)
    rows = rows.annotate(severity_rank=SEVERITY_RANK)
    return _with_row_data(rows).order_by(*SORTS.get(filters.sort, SORTS["severity"]))


# The step of a later version that answers the pain point (versions.models.PainPointAnswer), shown on its page.
ANSWER = ("future_answer__step__journey__named_version",)


def owner_row(pain_point_id: int) -> PainPoint | None:
    """One row of the owners' list, as the list renders it (user-independent: pushed to everyone)."""
    return _with_row_data(PainPoint.objects.filter(pk=pain_point_id)).select_related(*ANSWER).first()


def pain_point_for_page(journey: Journey, pain_point_id: int) -> PainPoint | None:
    return _with_row_data(PainPoint.objects.filter(journey=journey, pk=pain_point_id)).select_related(*ANSWER).first()


def hand_over_candidates(pain_point: PainPoint) -> QuerySet:
    """Members of the journey who belong to a responsible department, except the current owner."""
    on_journey = Membership.objects.filter(journey_id=pain_point.journey_id).values("user_id")
    departments = pain_point.responsible_departments.values("pk")
    users = get_user_model().objects.filter(pk__in=on_journey, departments__in=departments).distinct()
    if pain_point.owner_id:
        users = users.exclude(pk=pain_point.owner_id)
    return users.order_by("first_name", "last_name", "username")


# Keeping an open owners' list live ----------------------------------------------------------------------------------

# Changes that can alter a row of someone's list: a pain point's own changes, a step renamed or deleted (the row
# shows the step), an undo or redo (it restores or removes pain points), an import (a new journey with pain points).
_ROW_KINDS = ("pain_point.", "step.updated", "step.deleted", "undo", "redo", "journey.imported")
# Of those, the ones whose targets name steps rather than the pain points themselves.
_STEP_KINDS = ("step.updated", "undo", "redo")


def departments_watched(user: Any) -> list[int] | None:
    """The departments whose lists this user's open list follows; None: every department (managers)."""
    if is_manager(user):
        return None
    return list(Department.objects.filter(members=user).order_by("pk").values_list("pk", flat=True))


def departments_concerned(event: Event) -> set[int]:
    """The departments whose owners' lists `event` may have changed: those its pain points are tagged with now, and
    those they were tagged with before it (a re-tag or a deletion takes a pain point off a department's list; the
    event's undo record holds the rows as they were, departments included)."""
    if not event.kind.startswith(_ROW_KINDS):
        return set()
    before = {
        department
        for image in event.undo.get("restore", [])
        if image.get("model") == "journeys.painpoint"
        for department in image["fields"].get("responsible_departments", [])
    }
    tagged = PainPoint.responsible_departments.through.objects.filter(painpoint__in=_pain_points_touched(event))
    return before | set(tagged.values_list("department_id", flat=True))


def _pain_points_touched(event: Event) -> QuerySet[PainPoint]:
    on_journey = PainPoint.objects.filter(journey_id=event.journey_id)
    if event.kind == "journey.imported":
        return on_journey
    targets = event.targets
    touched = Q(pk=targets.get("pain_point") or 0)
    if event.kind in _STEP_KINDS:
        touched |= Q(step_id__in=[targets[key] for key in ("step", "other_step") if targets.get(key)])
    return on_journey.filter(touched)


def owner_list_marker(user: Any) -> str:
    """Moves whenever the user's list may have changed: a change on a journey in scope that can alter a row (the event
    log; not a timer tick or a card the facilitator opens), a journey joined or left, a department joined or left, a
    new day (ages and overdue flags). Read it before the rows: a change committed in between then makes the next
    comparison refetch instead of being missed."""
    departments = departments_watched(user)
    row_kinds = functools.reduce(operator.or_, (Q(kind__startswith=kind) for kind in _ROW_KINDS))
    row_changes = Event.objects.filter(row_kinds)
    if departments is None:
        journeys: list[int] = []
        latest = row_changes.aggregate(latest=Max("pk"))["latest"]
    else:
        mine = Membership.objects.filter(user=user).order_by("journey_id")
        journeys = list(mine.values_list("journey_id", flat=True))
        latest = row_changes.filter(journey_id__in=journeys).aggregate(latest=Max("pk"))["latest"]
    seen = f"{latest}|{journeys}|{departments}|{timezone.localdate().isoformat()}"
    return hashlib.sha256(seen.encode()).hexdigest()[:16]
