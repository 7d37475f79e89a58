"""Every read the pages need, each a fixed number of queries whatever the size of the board."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from journeys import blueprint, graph
from journeys.models import (
    Department,
    Event,
    Handoff,
    Journey,
    Lane,
    PainPoint,
    PainPointActivity,
    Step,
)

OPEN_STATUSES = (PainPoint.Status.OPEN, PainPoint.Status.IN_PROGRESS)


def overdue_filter() -> Q:
    """Open pain points past their target date, for counting on a step (today changes at midnight)."""
    return Q(pain_points__status__in=OPEN_STATUSES, pain_points__target_date__lt=timezone.localdate())


def journeys_for_user(user: Any) -> QuerySet[Journey]:
    """The journeys a user may see: the ones they are a member of. Every journey URL looks up through this."""
    if not user.is_authenticated:
        return Journey.objects.none()
    return Journey.objects.filter(memberships__user=user)


def processes_only(journey: str = "") -> Q:
    """The journeys that are a process as it runs, not a later version of one (the future state designed in a copy,
    versions.models.JourneyVersion, whose reverse name is `named_version`): figures that count processes (the
    dashboard) leave those out. `journey` is the lookup path to the journey ("journey__" from a pain point)."""
    version = f"{journey}named_version"
    return Q(**{f"{version}__isnull": True}) | Q(**{f"{version}__family_id": F(f"{journey}id")})


# Querysets with an aggregate ignore Meta.ordering (Django >= 3.1): each of them orders explicitly.


def journey_list_for_user(user: Any) -> QuerySet[Journey]:
    return (
        journeys_for_user(user)
        .order_by("-created_at", "-pk")
        .annotate(
            step_count=Count("steps", distinct=True),
            open_pain_point_count=Count(
                "pain_points",
                filter=Q(pain_points__status__in=OPEN_STATUSES),
                distinct=True,
            ),
        )
    )


def steps_with_counts(journey: Journey) -> QuerySet[Step]:
    return (
        Step.objects.filter(journey=journey)
        .order_by("position", "id")
        .select_related("department")
        .annotate(
            open_pain_points=Count("pain_points", filter=Q(pain_points__status__in=OPEN_STATUSES)),
            pain_point_total=Count("pain_points"),
            overdue_pain_points=Count("pain_points", filter=overdue_filter()),
        )
    )


def step_with_counts(step_id: int) -> Step:
    return steps_with_counts_by_id([step_id])[0]


def steps_with_counts_by_id(step_ids: list[int]) -> list[Step]:
    steps = Step.objects.filter(pk__in=step_ids).order_by("position", "id").select_related("department")
    return list(
        steps.annotate(
            open_pain_points=Count("pain_points", filter=Q(pain_points__status__in=OPEN_STATUSES)),
            pain_point_total=Count("pain_points"),
            overdue_pain_points=Count("pain_points", filter=overdue_filter()),
        )
    )


@dataclass
class BoardData:
    journey: Journey
    lanes: list[Department | None]  # None: the lane of steps no department performs yet
    steps: list[Step]
    handoffs: list[Handoff]
    layout: graph.Layout
    roles: list[str]  # each lane's role in the service blueprint, "" for none; in the order of `lanes`

    @property
    def blueprint_lines(self) -> tuple[blueprint.Line, ...]:
        return blueprint.lines(self.roles)


def board_data(journey: Journey) -> BoardData:
    lane_rows = list(Lane.objects.filter(journey=journey).select_related("department"))
    lanes: list[Department | None] = [lane.department for lane in lane_rows]
    roles = [lane.role for lane in lane_rows]
    steps = list(steps_with_counts(journey))
    handoffs = list(Handoff.objects.filter(journey=journey))
    if any(step.department_id is None for step in steps):
        lanes.append(None)
        roles.append("")
    return BoardData(journey, lanes, steps, handoffs, board_layout(journey, steps, handoffs), roles)


LAYOUT_CACHE_SECONDS = 3600


def board_layout(journey: Journey, steps: list[Step], handoffs: list[Handoff]) -> graph.Layout:
    """The columns of the board, computed once per arrangement: the key holds everything the layout reads (each
    step's lane and place, each hand-off's ends), so a move or a new link makes a new one, while a rename, an edit
    or a pain point reuse the last."""
    nodes = [(s.pk, s.department_id, s.position) for s in steps]
    edges = [(h.pk, h.from_step_id, h.to_step_id) for h in handoffs]
    digest = hashlib.blake2b(repr((nodes, edges)).encode(), digest_size=16).hexdigest()
    key = f"board-layout:{journey.pk}:{digest}"
    found = cache.get(key)
    if found is None:
        found = graph.layout(
            graph.journey_graph(
                (graph.StepNode(pk, lane, position, None) for pk, lane, position in nodes),
                (graph.HandoffEdge(*edge) for edge in edges),
            )
        )
        cache.set(key, found, LAYOUT_CACHE_SECONDS)
    return found


# What the customer's own lane is usually called: a journey map starts with what the customer does.
CUSTOMER_LANE_NAMES = ("customer", "customers", "klant", "klanten", "client", "clients")


def default_lane_department_id(journey: Journey, user: Any = None) -> int | None:
    """Where a new step goes unless someone picks a lane: the journey's top lane; on a new journey the customer's
    department when there is one (the first thing to map is what the customer does), else one of the author's own
    departments, else the first department."""
    top_lane = Lane.objects.filter(journey=journey).values_list("department_id", flat=True).first()
    if top_lane is not None:
        return top_lane
    departments = list(Department.objects.values_list("pk", "name"))
    customer = next((pk for pk, name in departments if name.strip().lower() in CUSTOMER_LANE_NAMES), None)
    if customer is not None:
        return customer
    own = user.departments.values_list("pk", flat=True).first() if user is not None and user.is_authenticated else None
    return own if own is not None else (departments[0][0] if departments else None)


def departments_without_lane(journey: Journey) -> QuerySet[Department]:
    return Department.objects.exclude(lanes__journey=journey)


def departments_for_select() -> QuerySet[Department]:
    return Department.objects.all()


def pain_points_for_step(step: Step) -> QuerySet[PainPoint]:
    return (
        PainPoint.objects.filter(step=step)
        # The answer in a later version (versions.models.PainPointAnswer, reverse name `future_answer`) joins in.
        .select_related("owner", "future_answer__step__journey__named_version")
        .prefetch_related(Prefetch("responsible_departments", queryset=Department.objects.order_by("name")))
        .order_by("created_at", "id")
    )


def pain_point_timeline(pain_point: PainPoint) -> QuerySet[PainPointActivity]:
    return pain_point.activities.select_related("actor")


def events_since(journey: Journey, seq: int) -> QuerySet[Event]:
    return Event.objects.filter(journey=journey, seq__gt=seq).order_by("seq")
