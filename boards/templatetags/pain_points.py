"""Template filters for pain points: overdue and age, computed when the fragment is rendered."""

from __future__ import annotations

from django import template
from django.utils import timezone

from journeys import pain_points
from journeys.models import PainPoint

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
