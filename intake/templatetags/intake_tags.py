from __future__ import annotations

from django import template

from intake.selectors import pending_count
from journeys.models import Journey

register = template.Library()


@register.simple_tag
def reports_waiting(journey: Journey) -> int:
    """How many reports wait for triage on the journey (the board's link to its queue says so)."""
    return pending_count(journey)
