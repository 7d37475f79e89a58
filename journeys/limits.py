"""How big one journey may grow (settings JOURNEY_MAX_STEPS, _HANDOFFS, _PAIN_POINTS), on the board and by import.

A board far past these takes seconds to draw and megabytes to send to every participant at each reconnect; a real
customer journey has tens of steps. Checked under the journey's lock, so two people adding at once cannot both pass.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from journeys.models import Handoff, Journey, PainPoint, Step


def limits() -> dict[str, int]:
    return {
        "steps": settings.JOURNEY_MAX_STEPS,
        "handoffs": settings.JOURNEY_MAX_HANDOFFS,
        "pain_points": settings.JOURNEY_MAX_PAIN_POINTS,
    }


def limit_message(kind: str, limit: int) -> str:
    messages = {
        "steps": _("A journey can have at most %(limit)s steps."),
        "handoffs": _("A journey can have at most %(limit)s hand-offs."),
        "pain_points": _("A journey can have at most %(limit)s pain points."),
    }
    return messages[kind] % {"limit": limit}


def require_room(journey: Journey, kind: str) -> None:
    """ValidationError when the journey already holds as many `kind` ("steps", "handoffs", "pain_points") as allowed."""
    model = {"steps": Step, "handoffs": Handoff, "pain_points": PainPoint}[kind]
    limit = limits()[kind]
    if model.objects.filter(journey=journey).count() >= limit:
        raise ValidationError(
            limit_message(kind, limit) + " " + _("Remove some first, or ask an administrator to raise the limit.")
        )


def over_limits(counts: dict[str, int]) -> list[str]:
    """What a new journey with these counts would exceed, each said plainly."""
    return [limit_message(kind, limit) for kind, limit in limits().items() if counts.get(kind, 0) > limit]
