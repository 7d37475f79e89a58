from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from journeys.models import Journey
from versions.rendering import render_bar

register = template.Library()


@register.simple_tag
def version_bar(journey: Journey) -> SafeString:
    """The bar as the first page shows it: the very fragment a push replaces."""
    return SafeString(render_bar(journey, oob=False))
