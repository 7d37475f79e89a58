"""Template filters for pain points: overdue and age, computed when the fragment is rendered."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

from journeys.models import PainPoint
from painpoints import services as pain_points

register = template.Library()


@register.filter
def is_overdue(pain_point: PainPoint) -> bool:
    return pain_points.is_overdue(pain_point)


@register.filter
def age_in_days(pain_point: PainPoint) -> int:
    return (timezone.now() - pain_point.created_at).days


@register.filter
def person(user) -> str:
    return pain_points.display_name(user)


@register.filter
def fix_plan(text: str) -> dict[str, Any]:
    """A "planned" timeline entry, stored as "<ISO target date> · <what changes>", as its date and its text, so the
    page can show the date the way it shows every other date ("31 Dec 2026", "31 dec 2026")."""
    head, separator, rest = text.partition(" · ")
    try:
        return {"date": datetime.date.fromisoformat(head), "text": rest} if separator else {"date": None, "text": text}
    except ValueError:
        return {"date": None, "text": text}
