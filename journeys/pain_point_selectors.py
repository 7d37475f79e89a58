"""Reads for the owners of pain points: their list across journeys, one pain point's page, the hand-over choices.
Each is a fixed number of queries however many rows there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from journeys.models import Department, Journey, Membership, PainPoint
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


MANAGERS_GROUP = "Managers"


def sees_whole_organisation(user: Any) -> bool:
    """Managers follow the dashboard's figures into the list for any department and journey."""
    return user.is_superuser or user.groups.filter(name=MANAGERS_GROUP).exists()


def departments_of(user: Any) -> QuerySet[Department]:
    if sees_whole_organisation(user):
        return Department.objects.all()
    return Department.objects.filter(members=user)


def journeys_in_scope(user: Any) -> QuerySet[Journey]:
    return Journey.objects.all() if sees_whole_organisation(user) else journeys_for_user(user)


def _with_row_data(pain_points: QuerySet[PainPoint]) -> QuerySet[PainPoint]:
    return pain_points.select_related("journey", "step", "owner").prefetch_related(
        Prefetch("responsible_departments", queryset=Department.objects.order_by("name"))
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


def owner_row(pain_point_id: int) -> PainPoint | None:
    """One row of the owners' list, as the list renders it (user-independent: pushed to everyone)."""
    return _with_row_data(PainPoint.objects.filter(pk=pain_point_id)).first()


def pain_point_for_page(journey: Journey, pain_point_id: int) -> PainPoint | None:
    return _with_row_data(PainPoint.objects.filter(journey=journey, pk=pain_point_id)).first()


def hand_over_candidates(pain_point: PainPoint) -> QuerySet:
    """Members of the journey who belong to a responsible department, except the current owner."""
    on_journey = Membership.objects.filter(journey_id=pain_point.journey_id).values("user_id")
    departments = pain_point.responsible_departments.values("pk")
    users = get_user_model().objects.filter(pk__in=on_journey, departments__in=departments).distinct()
    if pain_point.owner_id:
        users = users.exclude(pk=pain_point.owner_id)
    return users.order_by("first_name", "last_name", "username")
