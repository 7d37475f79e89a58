"""The fragments a pain point change pushes besides the board's own: the owners' list row and the pain point page's
heading, state and timeline. All user-independent, so every open page that holds one of these ids can swap it; the
page's actions depend on the viewer and are refetched by each page itself (see pain_point_views.pain_point_actions).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from journeys import selectors
from journeys.models import Journey, PainPoint, PainPointActivity
from live.fragments import register_fragments
from painpoints import selectors as pain_point_selectors

PARTS = "painpoints/parts.html"
PAGE_PART_NAMES = ("pain-point-heading", "pain-point-state", "pain-point-timeline")
PAGE = ("pain-point",)  # the board shows a pain point in its step's panel (boards.rendering)


def render_pain_point_part(name: str, context: dict[str, Any], *, oob: bool) -> str:
    return render_to_string(f"{PARTS}#{name}", {**context, "oob": oob})


@register_fragments("pain_point", pages=PAGE)
def pain_point_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    pain_point = pain_point_selectors.owner_row(targets["pain_point"])
    if pain_point is None or pain_point.journey_id != journey.pk:
        return []
    timeline = list(selectors.pain_point_timeline(pain_point))
    row = render_pain_point_part("owner-row", {"pain_point": pain_point}, oob=True)
    return [row, *page_parts(pain_point, timeline)]


def page_parts(pain_point: PainPoint, timeline: list[PainPointActivity]) -> list[str]:
    """The pain point page's parts that are the same for everyone, as out-of-band swaps."""
    context = {"pain_point": pain_point, "timeline": timeline}
    return [render_pain_point_part(name, context, oob=True) for name in PAGE_PART_NAMES]


@register_fragments("deleted_pain_point", pages=PAGE)
def deleted_pain_point_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    context = {"pain_point_id": targets["deleted_pain_point"]}
    return [render_pain_point_part(name, context, oob=True) for name in ("owner-row-gone", "pain-point-gone")]


@register_fragments("pain_points", pages=PAGE)
def undone_pain_point_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    """An undo or redo names the pain points it put back, changed back or removed."""
    parts = []
    for pk in targets["pain_points"]:
        parts += pain_point_fragments(journey, {"pain_point": pk}) or deleted_pain_point_fragments(
            journey, {"deleted_pain_point": pk}
        )
    return parts
