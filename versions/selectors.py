"""Reads of the versions: a family's versions a member may see, and the facts and figures that compare two."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from exchange.services import HANDOFF_FLOW_FIELDS
from journeys import graph, insight_data
from journeys.flow import flow
from journeys.models import Handoff, Journey, PainPoint, Step
from journeys.selectors import journeys_for_user
from versions.compare import HandoffFacts, StepFacts
from versions.models import JourneyVersion, StepLineage


def version_of(journey: Journey) -> JourneyVersion | None:
    return JourneyVersion.objects.filter(journey=journey).first()


@dataclass(frozen=True)
class ProcessRow:
    """A row of the journey list: a process, its version name if it has one, and its later versions under it."""

    journey: Journey
    version: JourneyVersion | None
    later: list[tuple[Journey, JourneyVersion]]


def journeys_by_process(journeys: list[Journey]) -> list[ProcessRow]:
    """The journeys in their order, each later version (the future state) under the first version of its process
    rather than as a journey of its own; one whose first version is not in the list stays a row, with its name."""
    listed = {journey.pk for journey in journeys}
    version_of_journey = {v.journey_id: v for v in JourneyVersion.objects.filter(journey_id__in=listed)}
    rows: dict[int, ProcessRow] = {}
    later: list[tuple[Journey, JourneyVersion]] = []
    for journey in journeys:
        version = version_of_journey.get(journey.pk)
        if version is not None and version.family_id != journey.pk and version.family_id in listed:
            later.append((journey, version))
        else:
            rows[journey.pk] = ProcessRow(journey, version, [])
    for journey, version in sorted(later, key=lambda pair: (pair[1].created_at, pair[1].pk)):
        rows[version.family_id].later.append((journey, version))
    return list(rows.values())


def same_family(journey_id: int, other_id: int) -> bool:
    """Two different versions of one process: the only pairs that compare, or answer each other's pain points."""
    if journey_id == other_id:
        return False
    families = dict(
        JourneyVersion.objects.filter(journey_id__in=[journey_id, other_id]).values_list("journey", "family")
    )
    return len(families) == 2 and families[journey_id] == families[other_id]


def family_id(journey_id: int) -> int:
    """The first version of the process this journey is a version of (itself when it has no versions yet)."""
    family = JourneyVersion.objects.filter(journey_id=journey_id).values_list("family_id", flat=True).first()
    return family or journey_id


def family_marker(journey_id: int) -> str:
    """What the versions pages of this journey's process were rendered under: every version's sequence number (a
    version named or started is a change too). Opaque: it tells nobody which versions exist."""
    family = family_id(journey_id)
    seqs = Journey.objects.filter(Q(pk=family) | Q(named_version__family_id=family)).order_by("pk")
    state = ",".join(f"{pk}:{seq}" for pk, seq in seqs.values_list("pk", "seq"))
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def versions_for_user(journey: Journey, user: Any) -> QuerySet[JourneyVersion]:
    """The versions in this journey's family that the user is a member of (others stay out of sight)."""
    version = version_of(journey)
    if version is None:
        return JourneyVersion.objects.none()
    visible = journeys_for_user(user).values("pk")
    return JourneyVersion.objects.filter(family=version.family, journey__in=visible).select_related("journey")


def _roots(step_ids: list[int]) -> dict[int, int]:
    """Each step's root: follow the copies back to the step of the first version (a few queries, one per copy)."""
    origin: dict[int, int | None] = {}
    frontier = set(step_ids)
    while frontier:
        found = dict(StepLineage.objects.filter(step_id__in=frontier).values_list("step_id", "origin_id"))
        origin.update({step: found.get(step) for step in frontier})
        frontier = {parent for parent in found.values() if parent is not None and parent not in origin}

    def root(step: int) -> int:
        seen = set()
        while origin.get(step) is not None and step not in seen:
            seen.add(step)
            step = origin[step]
        return step

    return {step: root(step) for step in step_ids}


def step_facts(journey: Journey) -> list[StepFacts]:
    steps = list(Step.objects.filter(journey=journey).select_related("department").order_by("position", "id"))
    roots = _roots([step.pk for step in steps])
    return [
        StepFacts(
            s.pk,
            roots[s.pk],
            s.position,
            s.title,
            s.department.name if s.department else "",
            s.channel,
            s.duration_minutes,
            s.description,
        )
        for s in steps
    ]


def handoff_facts(journey: Journey) -> list[HandoffFacts]:
    columns = ("pk", "from_step_id", "to_step_id", "label", *HANDOFF_FLOW_FIELDS)
    return [HandoffFacts(*row) for row in Handoff.objects.filter(journey=journey).order_by("id").values_list(*columns)]


@dataclass(frozen=True)
class Figures:
    steps: int
    handoffs: int
    crossings: int  # hand-offs across departments
    loops: int
    loops_truncated: bool
    longest_route: int | None  # steps on the longest route to a resolution
    contacts: float | None  # contacts per customer question (journeys/flow.py)
    lead_minutes: int | None  # lead time of the main route


def figures(journey: Journey) -> Figures:
    the_graph = insight_data.journey_graph(journey)
    lane = insight_data.customer_lane(journey)
    start = graph.first_customer_step(the_graph, lane)
    loops, truncated = graph.repeat_contact_loops(the_graph)
    route = graph.longest_route(the_graph, start, by_minutes=False)
    the_flow = flow(the_graph, customer_lane=lane)
    return Figures(
        steps=the_graph.number_of_nodes(),
        handoffs=the_graph.number_of_edges(),
        crossings=len(graph.lane_crossings(the_graph)),
        loops=len(loops),
        loops_truncated=truncated,
        longest_route=len(route.steps) if route else None,
        contacts=the_flow.contacts,
        lead_minutes=the_flow.main_route.lead_minutes if the_flow.main_route else None,
    )


def pain_points_with_answers(journey: Journey) -> QuerySet[PainPoint]:
    return (
        PainPoint.objects.filter(journey=journey)
        .select_related("step", "future_answer__step__journey__named_version")
        .order_by("step__position", "created_at", "id")
    )
