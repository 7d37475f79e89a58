"""The API's reads: the pages' scoping rules, and a fixed number of queries per page whatever the size."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce

from fixes.models import Fix, FixLink
from fixes.selectors import fixes_for_user
from journeys.models import Department, Handoff, Journey, Lane, PainPoint, PainPointActivity, Step
from journeys.permissions import is_manager
from journeys.selectors import journeys_for_user
from painpoints.selectors import journeys_in_scope


def journeys(user: Any) -> QuerySet[Journey]:
    """With the process each maps (its own id, or a later version's first version: versions.models.JourneyVersion,
    reverse name `named_version`) and its version's name, in the same query."""
    return journeys_for_user(user).annotate(
        process=Coalesce("named_version__family_id", "pk"),
        version_name=Coalesce("named_version__name", Value("")),
    )


def lanes(journey: Journey) -> QuerySet[Lane]:
    return Lane.objects.filter(journey=journey).select_related("department")


def steps(journey: Journey) -> QuerySet[Step]:
    return Step.objects.filter(journey=journey)


def handoffs(journey: Journey) -> QuerySet[Handoff]:
    return Handoff.objects.filter(journey=journey)


def pain_points(
    user: Any,
    *,
    journey: int | None = None,
    department: int | None = None,
    status: str = "",
    severity: str = "",
    updated_since: datetime.datetime | None = None,
    with_timeline: bool = False,
) -> QuerySet[PainPoint]:
    """Pain points on the user's journeys; a manager reads those of every journey, as on the pages."""
    rows = PainPoint.objects.filter(journey_id__in=journeys_in_scope(user).values("pk"))
    if journey is not None:
        rows = rows.filter(journey_id=journey)
    if department is not None:
        rows = rows.filter(responsible_departments=department)
    if status:
        rows = rows.filter(status=status)
    if severity:
        rows = rows.filter(severity=severity)
    if updated_since is not None:
        rows = rows.filter(updated_at__gte=updated_since)
    rows = rows.select_related("step", "owner").prefetch_related(
        Prefetch("responsible_departments", queryset=Department.objects.order_by("name"))
    )
    if with_timeline:
        rows = rows.prefetch_related(Prefetch("activities", queryset=PainPointActivity.objects.select_related("actor")))
    return rows


def pain_points_to_change(user: Any) -> QuerySet[PainPoint]:
    """Changes need a member of the journey (a manager off the journey gets 404, as on the pages)."""
    return PainPoint.objects.filter(journey_id__in=journeys_for_user(user).values("pk")).select_related("journey")


def fixes(user: Any) -> QuerySet[Fix]:
    """The fixes the pages show this user, each with the links to pain points on their journeys (managers: all), in
    one query more per page."""
    links = FixLink.objects.order_by("pain_point_id")
    if not is_manager(user):
        links = links.filter(pain_point__journey__in=journeys_for_user(user))
    return fixes_for_user(user).prefetch_related(Prefetch("links", queryset=links, to_attr="seen_links"))
