"""The one read behind the insights panel: journey rows -> graph.analyse and flow.flow. A fixed number of queries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import networkx as nx
from django.core.cache import cache

from journeys import flow, graph
from journeys.models import Department, Handoff, Journey, Lane, PainPoint, Step

OPEN_STATUSES = (PainPoint.Status.OPEN, PainPoint.Status.IN_PROGRESS)


@dataclass(frozen=True)
class InsightsData:
    insights: graph.Insights
    flow: flow.Flow
    graph: nx.DiGraph
    steps: dict[int, Step]
    departments: dict[int, Department]
    pain_steps_by_department: dict[int, list[int]]
    lane_roles: dict[int, str]  # department -> its lane's role in the service blueprint, for lanes with one


def customer_lane(journey: Journey) -> int | None:
    """The customer's lane is the top lane: the empty board asks for the customer's first step there."""
    return Lane.objects.filter(journey=journey).values_list("department_id", flat=True).first()


HANDOFF_COLUMNS = ("pk", "from_step_id", "to_step_id", "wait_minutes", "share_percent", "complete_accurate_percent")


def journey_graph(journey: Journey, steps: dict[int, Step] | None = None) -> nx.DiGraph:
    """The journey's graph with everything the analysis and the flow figures read."""
    if steps is None:
        steps = {step.pk: step for step in Step.objects.filter(journey=journey)}
    return graph.journey_graph(
        (graph.StepNode(s.pk, s.department_id, s.position, s.duration_minutes) for s in steps.values()),
        (graph.HandoffEdge(*row) for row in Handoff.objects.filter(journey=journey).values_list(*HANDOFF_COLUMNS)),
    )


def journey_flow(journey: Journey) -> flow.Flow:
    """Failure demand and flow of one journey (the dashboard's daily figure, the export)."""
    return flow.flow(journey_graph(journey), customer_lane=customer_lane(journey))


def insights_data(journey: Journey) -> InsightsData:
    steps = {step.pk: step for step in Step.objects.filter(journey=journey).select_related("department")}
    the_graph = journey_graph(journey, steps)
    lane = customer_lane(journey)
    pain_points = _open_pain_items(journey)
    pain_steps: dict[int, set[int]] = {}
    for item in pain_points:
        for department in item.departments:
            pain_steps.setdefault(department, set()).add(item.step)
    insights, the_flow = analysis(the_graph, customer_lane=lane, pain_points=pain_points)
    return InsightsData(
        insights=insights,
        flow=the_flow,
        graph=the_graph,
        steps=steps,
        departments={d.pk: d for d in Department.objects.filter(pk__in=pain_steps.keys())},
        pain_steps_by_department={d: sorted(s) for d, s in pain_steps.items()},
        lane_roles=dict(Lane.objects.filter(journey=journey).exclude(role="").values_list("department_id", "role")),
    )


ANALYSIS_CACHE_SECONDS = 3600


def analysis(
    the_graph: nx.DiGraph, *, customer_lane: int | None, pain_points: list[graph.PainItem]
) -> tuple[graph.Insights, flow.Flow]:
    """graph.analyse and flow.flow, worked out once per shape of a journey: the key holds everything they read (the
    steps and hand-offs with their figures, the customer lane, the open pain points), so a change that alters none
    of it (a rename, a description, a comment) reuses the last answer, and any other change makes a new one."""
    shape = (sorted(the_graph.nodes(data=True)), sorted(the_graph.edges(data=True)), customer_lane, pain_points)
    key = "journey-analysis:" + hashlib.blake2b(repr(shape).encode(), digest_size=16).hexdigest()
    found = cache.get(key)
    if found is None:
        found = (
            graph.analyse(the_graph, customer_lane=customer_lane, pain_points=pain_points),
            flow.flow(the_graph, customer_lane=customer_lane),
        )
        cache.set(key, found, ANALYSIS_CACHE_SECONDS)
    return found


def _open_pain_items(journey: Journey) -> list[graph.PainItem]:
    through = PainPoint.responsible_departments.through
    departments: dict[int, list[int]] = {}
    rows = through.objects.filter(painpoint__journey=journey, painpoint__status__in=OPEN_STATUSES)
    for pain_point_id, department_id in rows.values_list("painpoint_id", "department_id"):
        departments.setdefault(pain_point_id, []).append(department_id)
    open_points = PainPoint.objects.filter(journey=journey, status__in=OPEN_STATUSES)
    return [
        graph.PainItem(step_id, tuple(departments.get(pk, ())), severity)
        for pk, step_id, severity in open_points.values_list("pk", "step_id", "severity")
    ]
