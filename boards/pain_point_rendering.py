"""The fragments a pain point change pushes besides the board's own: the owners' list row and the pain point page's
state and timeline. All user-independent, so every open page that holds one of these ids can swap it.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from boards import rendering
from journeys import pain_point_selectors, selectors
from journeys.models import Journey

PARTS = "boards/pain_points/parts.html"


def render_pain_point_part(name: str, context: dict[str, Any], *, oob: bool) -> str:
    return render_to_string(f"{PARTS}#{name}", {**context, "oob": oob})


@rendering.register_fragments("pain_point")
def pain_point_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    pain_point = pain_point_selectors.owner_row(targets["pain_point"])
    if pain_point is None or pain_point.journey_id != journey.pk:
        return []
    timeline = list(selectors.pain_point_timeline(pain_point))
    return [
        render_pain_point_part("owner-row", {"pain_point": pain_point}, oob=True),
        render_pain_point_part("pain-point-state", {"pain_point": pain_point}, oob=True),
        render_pain_point_part("pain-point-timeline", {"pain_point": pain_point, "timeline": timeline}, oob=True),
    ]


@rendering.register_fragments("deleted_pain_point")
def deleted_pain_point_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return [render_pain_point_part("owner-row-gone", {"pain_point_id": targets["deleted_pain_point"]}, oob=True)]
