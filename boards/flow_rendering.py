"""Failure demand and flow on the board: the routes part of the step drawer (pushed with every change to the step),
the flow section of the insights panel and the flow view page. The figures come from `journeys.flow`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from boards import flow_chart, rendering
from boards.findings import Finding
from journeys import flow, insight_data
from journeys.models import Department, Handoff, Journey, Step
from live.fragments import named_step, register_follow_up, register_fragments

ROUTES = "boards/routes.html"
SHOWN_REPEATS = 0.005  # fewer repeat contacts per question than this show as none


# The routes of one step, in its drawer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteRow:
    handoff: Handoff
    chance: float  # 0..1: the share of cases as the figures read it (an assumed one included)
    assumed: bool  # no share filled in: the percent is what the others leave


def outgoing_handoffs(step: Step) -> list[Handoff]:
    """The step's hand-offs in the order of the steps they lead to: the step panel's hand-off list (oldest first),
    read once for both in a change's render, sorted here."""
    return sorted(rendering.outgoing_handoffs(step), key=lambda h: (h.to_step.position, h.to_step_id))


def step_routes_context(step: Step) -> dict[str, Any]:
    handoffs = outgoing_handoffs(step)
    chances, problem, _assumed = flow.split_shares([h.share_percent for h in handoffs])
    rows = [
        RouteRow(h, chance, len(handoffs) > 1 and h.share_percent is None)
        for h, chance in zip(handoffs, chances, strict=True)
    ]
    return {"step": step, "routes": rows, "share_problem": problem}


def render_routes(step: Step, *, oob: bool) -> str:
    return render_to_string(f"{ROUTES}#step-routes", {**step_routes_context(step), "oob": oob})


@register_fragments("step")
def routes_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    """A step's routes change with its hand-offs (which touch it as their `step`) and with their figures."""
    step = named_step(journey, targets)
    return [render_routes(step, oob=True)] if step is not None else []


# The insights panel's flow section -------------------------------------------------------------------------------


def panel_flow(data: insight_data.InsightsData) -> dict[str, Any]:
    figures, steps = data.flow, data.steps
    route = figures.main_route
    return {
        "figures": figures,
        "route": route,
        "route_finding": Finding("main-route", "", [steps[s] for s in route.steps], list(route.handoffs))
        if route
        else None,
        "trapped": Finding("trapped", "", [steps[s] for s in figures.trapped]),
        "share_problems": [
            Finding(f"shares-{p.step}", steps[p.step].title, [steps[p.step]]) for p in figures.share_problems
        ],
        "assumed_shares": len(figures.assumed_shares),
        "departments": department_rows(figures, steps, data.graph),
    }


@dataclass(frozen=True)
class DepartmentRow:
    finding: Finding
    department: Department | None
    row: flow.DepartmentFlow


def department_rows(figures: flow.Flow, steps: dict[int, Step], graph: Any) -> list[DepartmentRow]:
    """Departments whose hand-offs are followed by waiting or repeat contacts, the most repeats first. The customer's
    own lane only when repeat contacts start there before any department had the case: its waiting is the
    customer's own time (the days before they call), not the organisation's."""
    wanted = [
        row
        for row in figures.departments
        if row.repeat_contacts >= SHOWN_REPEATS
        or (row.wait_minutes > 0 and (row.department is None or row.department != figures.customer_lane))
    ]
    departments = Department.objects.in_bulk([row.department for row in wanted if row.department is not None])
    rows = []
    for row in sorted(wanted, key=lambda row: (-row.repeat_contacts, -row.wait_minutes)):
        own = [step for step in steps.values() if step.department_id == row.department]
        own_ids = {step.pk for step in own}
        handoffs = [data["id"] for source, _target, data in graph.edges(data=True) if source in own_ids]
        department = departments.get(row.department)
        name = department.name if department else ""
        finding = Finding(f"flow-dept-{row.department or 0}", name, sorted(own, key=_in_order), handoffs)
        rows.append(DepartmentRow(finding, department, row))
    return rows


def _in_order(step: Step) -> tuple[int, int]:
    return (step.position, step.pk)


# The flow view page ----------------------------------------------------------------------------------------------


FLOW_VIEW = "boards/flow.html"


def flow_view_context(journey: Journey) -> dict[str, Any]:
    data = insight_data.insights_data(journey)
    route = data.flow.main_route
    legs = flow_chart.legs_with_steps(route, data.steps) if route else []
    loops = [
        (data.steps[source], data.steps[target], data.flow.repeats_per_handoff[attributes["id"]])
        for source, target, attributes in data.graph.edges(data=True)
        if attributes["id"] in data.flow.repeats_per_handoff
    ]
    return {
        "journey": journey,
        "flow": panel_flow(data),
        "chart": flow_chart.route_chart(legs) if legs else None,
        "legs": legs,
        "loops": sorted(loops, key=lambda loop: -loop[2]),
        "step_count": len(data.steps),
    }


@register_follow_up(pages=("flow",))
def flow_view_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    """The flow view follows the board: any change to steps, hand-offs or their figures can move every number."""
    return [render_to_string(f"{FLOW_VIEW}#flow-body", {**flow_view_context(journey), "oob": True})]
