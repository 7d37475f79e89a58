"""The per-viewer frame of the workshop tools on the board page. The fragments inside it are the shared,
user-independent ones; only this frame knows whether the viewer is the facilitator (which controls to show).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from journeys import permissions
from journeys.models import Journey
from workshops import fragments
from workshops.models import Indicator

register = template.Library()


@register.inclusion_tag("workshops/bar.html", takes_context=True)
def workshop_bar(context: dict[str, Any], journey: Journey) -> dict[str, Any]:
    user = context["request"].user
    return {
        **fragments.timer_context(journey),
        **fragments.voting_context(journey),
        "role": "facilitator" if permissions.is_facilitator(journey, user) else "participant",
        "today": timezone.localdate(),
    }


@register.inclusion_tag("workshops/header.html", takes_context=True)
def workshop_header(context: dict[str, Any], journey: Journey) -> dict[str, Any]:
    user = context["request"].user
    return {
        **fragments.indicator_context(journey),
        "is_facilitator": permissions.is_facilitator(journey, user),
        "score_choices": Indicator.choices,
        "today": timezone.localdate(),
    }


@register.inclusion_tag("workshops/panel.html")
def workshop_panel(journey: Journey) -> dict[str, Any]:
    return {**fragments.voting_context(journey), **fragments.focus_context(journey)}
