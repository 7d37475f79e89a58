from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from journeys.models import Journey
from versions.rendering import render_bar
from versions.selectors import ProcessRow, journeys_by_process

register = template.Library()


@register.simple_tag
def version_bar(journey: Journey) -> SafeString:
    """The bar as the first page shows it: the very fragment a push replaces."""
    return SafeString(render_bar(journey, oob=False))


@register.simple_tag
def processes_with_versions(journeys: list[Journey]) -> list[ProcessRow]:
    """The journey list by process: a journey's future state is listed under it, not as another journey."""
    return journeys_by_process(list(journeys))
