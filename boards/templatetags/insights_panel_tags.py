from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from boards.insights_panel import render_panel
from journeys.models import Journey

register = template.Library()


@register.simple_tag
def insights_panel(journey: Journey) -> SafeString:
    """The panel as the first page shows it: the very partial every push replaces."""
    return SafeString(render_panel(journey, oob=False))
