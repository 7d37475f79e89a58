"""The failure demand and flow figures of a journey in its export file: for reading, not for importing (an import
recomputes them from the steps and hand-offs, so a file cannot claim figures its board does not have)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from journeys import insight_data
from journeys.models import Department, Journey


def flow_for_export(journey: Journey, keys: dict[int, int]) -> dict[str, Any]:
    """The figures with steps named by their key in the file (see journeys/flow.py for the definitions)."""
    figures = insight_data.journey_flow(journey)
    route = figures.main_route
    names = dict(
        Department.objects.filter(pk__in=[row.department for row in figures.departments]).values_list("pk", "name")
    )
    return {
        "computed_at": timezone.now().isoformat(),
        "contacts_per_question": _rounded(figures.contacts),
        "failure_demand": _rounded(figures.failure_demand),
        "rework_minutes": _rounded(figures.rework_minutes, 1),
        "main_route": None
        if route is None
        else {
            "steps": [keys[step] for step in route.steps],
            "share_of_questions": _rounded(route.probability),
            "process_minutes": route.process_minutes,
            "wait_minutes": route.wait_minutes,
            "lead_minutes": route.lead_minutes,
            "flow_efficiency": _rounded(route.flow_efficiency),
            "rolled_complete_accurate": _rounded(route.rolled_ca),
        },
        "trapped_steps": [keys[step] for step in figures.trapped],
        "steps_with_shares_to_check": [keys[problem.step] for problem in figures.share_problems],
        "departments": [
            {
                "department": names.get(row.department),
                "wait_minutes_per_question": _rounded(row.wait_minutes, 1),
                "repeat_contacts_per_question": _rounded(row.repeat_contacts),
            }
            for row in sorted(figures.departments, key=lambda row: names.get(row.department) or "")
        ],
    }


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
