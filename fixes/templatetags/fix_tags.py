"""How a shared fix shows on other features' pages: a pain point's page (with the one-click "solved by its fix"),
and the dashboard's counts per state and department. The owners' list shows each row's fixes from its prefetch."""

from __future__ import annotations

from typing import Any

from django import template

from fixes import selectors
from fixes.models import Fix
from journeys import permissions
from journeys.models import PainPoint

register = template.Library()


@register.inclusion_tag("fixes/on_pain_point.html", takes_context=True)
def fixes_on_pain_point(context: dict[str, Any], pain_point: PainPoint, on_journey: bool = True) -> dict[str, Any]:
    user = context["request"].user
    fixes = list(Fix.objects.filter(links__pain_point=pain_point).select_related("owner"))
    may_solve = on_journey and pain_point.is_open and permissions.may_act_on_pain_point(pain_point, user)
    return {"fixes": fixes, "pain_point": pain_point, "may_solve": may_solve, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("fixes/dashboard_counts.html")
def fix_counts() -> dict[str, Any]:
    states, rows = selectors.counts_by_department()
    labels = dict(Fix.State.choices)
    return {"states": [labels[state] for state in states], "rows": rows, "totals": selectors.counts_by_state()}
