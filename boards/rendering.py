"""Renders the partials of the board. Used for the first page, the htmx responses and the pushed fragments alike,
so a reload shows exactly what live updates show. Nothing here depends on who is looking: no user, no CSRF token.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from boards import experience, geometry
from boards.forms import LaneForm
from journeys import selectors
from journeys.models import Handoff, Journey, LaneRole, Step
from live.fragments import BOARD_AND_PROJECTOR, named_steps, register_fragments, shared_read

PARTS = "boards/parts.html"


def map_context(journey: Journey) -> dict[str, Any]:
    """Everything the board-map partial shows, its cards and arrows rendered (see `step_cards`, `arrow_parts`)."""
    context = map_geometry(journey)
    board, boxes = context["board"], context["boxes"]
    cards = step_cards(journey, board.steps)
    placed_cards = list(zip((boxes[step.pk] for step in board.steps), cards, strict=True))
    return {
        **context,
        "placed_cards": placed_cards,
        "slots": slots(placed_cards),
        **arrow_parts(journey, context["arrows"]),
    }


def slots(placed_cards: list[tuple[geometry.Box, SafeString]]) -> SafeString:
    """Each card in its slot, as the board-map partial's loop wrote them (the same bytes): joined here, where 300
    cards cost a fraction of a millisecond instead of the template loop's five."""
    # Safe: the cards are rendered partials, the box's style is escaped and its column and row are numbers.
    return mark_safe(
        "".join(
            f'\n  <div class="slot" style="{escape(box.style)}" data-column="{box.column}" data-row="{box.row}">'
            f"{card}</div>\n  "
            for box, card in placed_cards
        )
    )


def map_geometry(journey: Journey) -> dict[str, Any]:
    """The map's rows, boxes and lines without its HTML: what the SVG picture draws again in its own way."""
    board = selectors.board_data(journey)
    boxes = geometry.card_boxes(board)
    width, height = geometry.canvas_size(board)
    curve = experience.board_curve(board, column_width=geometry.COLUMN_WIDTH, card_width=geometry.CARD_WIDTH)
    return {
        "journey": journey,
        "board": board,
        "boxes": boxes,
        "arrows": geometry.arrows(board, boxes),
        "lanes": [
            (index * geometry.LANE_HEIGHT, dept, role)
            for index, (dept, role) in enumerate(zip(board.lanes, board.roles, strict=True))
        ],
        "role_choices": LaneRole.choices,
        "blueprint_lines": geometry.blueprint_boundaries(board),
        "lines_out_of_order": geometry.lines_out_of_order(board),
        # The lane of steps without a department stays at the bottom: the last lane that can move down is above it.
        "last_department_lane": sum(1 for dept in board.lanes if dept is not None) - 1,
        "canvas_width": width,
        "canvas_height": height + (curve.height if curve else 0),
        "lanes_height": height,
        "curve": curve,
        "curve_left": geometry.LANE_HEADER_WIDTH + geometry.PADDING,
        "lane_height": geometry.LANE_HEIGHT,
        "lane_header_width": geometry.LANE_HEADER_WIDTH,
        "grid": geometry.grid_attributes(),
        "column_count": board.layout.column_count,
    }


# Cached parts of the map ---------------------------------------------------------------------------------------
#
# A 300-step board spends most of its render on its cards and arrows, and a change touches one or two of them.
# Each part is kept under a fingerprint of everything it shows, so nothing needs invalidating: a changed card has a
# new fingerprint and is rendered again, the others come from the cache as the same partial rendered them. One
# cache entry per journey and language holds the board's current cards (not one per card: the default cache keeps
# 300 entries), and the key names the template's source too, so a new release never serves an old card.

PARTS_CACHE_SECONDS = 3600


def _fingerprint(values: Any) -> str:
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def _parts_key(kind: str, journey: Journey) -> str:
    template = get_template(PARTS).template.source
    place = f"{journey.pk}:{journey.created_at.timestamp()}:{get_language()}:{get_script_prefix()}"
    return f"board-{kind}:{place}:{_fingerprint(template)}"


def card_fingerprint(step: Step) -> str:
    """Everything the step-card partial reads of a step (from `steps_with_counts`)."""
    colour = step.department.colour if step.department_id else None
    shown = (step.pk, step.journey_id, step.version, step.title, step.channel, step.duration_minutes)
    counts = (step.open_pain_points, step.pain_point_total, step.overdue_pain_points)
    return _fingerprint((shown, step.department_id, colour, counts))


def step_cards(journey: Journey, steps: list[Step]) -> list[SafeString]:
    """Each step's card as the step-card partial renders it, in the order of `steps`."""
    key = _parts_key("cards", journey)
    known: dict[str, str] = cache.get(key) or {}
    cards = {}
    for step in steps:
        fingerprint = card_fingerprint(step)
        cards[fingerprint] = known.get(fingerprint) or render_part("step-card", {"step": step}, oob=False)
    if cards.keys() != known.keys():
        cache.set(key, cards, PARTS_CACHE_SECONDS)  # only this board's current cards: the entry never grows
    return [mark_safe(html) for html in cards.values()]


def arrow_parts(journey: Journey, arrows: list[geometry.Arrow]) -> dict[str, Any]:
    """The arrows' paths and labels as their partials render them, kept until an arrow moves or is relabelled."""
    key = _parts_key("arrows", journey)
    fingerprint = _fingerprint(arrows)
    found = cache.get(key)
    if found is None or found[0] != fingerprint:
        found = (fingerprint, *(render_part(name, {"arrows": arrows}, oob=False) for name in ARROW_PARTS))
        cache.set(key, found, PARTS_CACHE_SECONDS)
    return {name.replace("-", "_"): mark_safe(html) for name, html in zip(ARROW_PARTS, found[1:], strict=True)}


ARROW_PARTS = ("arrow-paths", "arrow-labels")


def render_part(name: str, context: dict[str, Any], *, oob: bool) -> str:
    return render_to_string(f"{PARTS}#{name}", {**context, "oob": oob})


def render_map(journey: Journey, *, oob: bool = True) -> str:
    return render_part("board-map", map_context(journey), oob=oob)


def render_lane_form(journey: Journey) -> str:
    """The "Add lane" choice as it is now: a new lane (added, or made by a step in a new department) leaves it."""
    form = LaneForm(departments=selectors.departments_without_lane(journey))
    return render_part("lane-form", {"journey": journey, "form": form}, oob=True)


def step_parts(step: Step) -> list[str]:
    return [
        render_part("step-summary", {"step": step}, oob=True),
        render_part("step-handoffs", step_handoffs_context(step), oob=True),
        render_part("pain-point-list", pain_point_list_context(step), oob=True),
    ]


def pain_point_list_context(step: Step) -> dict[str, Any]:
    # A step read with its card's counts (live.fragments.named_steps) says when it has none: nothing to read then.
    none = getattr(step, "pain_point_total", None) == 0
    return {"step": step, "pain_points": [] if none else list(selectors.pain_points_for_step(step))}


def step_handoffs_context(step: Step) -> dict[str, Any]:
    return {
        "step": step,
        "outgoing": outgoing_handoffs(step),
        "incoming": list(step.incoming.select_related("from_step")),
    }


def outgoing_handoffs(step: Step) -> list[Handoff]:
    """The step's hand-offs to other steps, each with its `to_step`, oldest first (read once per change, see
    live.fragments.shared_read: the routes part shows them too)."""
    return shared_read(("outgoing", step.pk), lambda: list(step.outgoing.select_related("to_step")))


@register_fragments("*", pages=BOARD_AND_PROJECTOR)
def map_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    """The map after a layout change, else the cards of the steps the change names."""
    if targets.get("layout"):
        return [render_map(journey)]
    return [render_part("step-card", {"step": step}, oob=True) for step in named_steps(journey, targets)]


@register_fragments("mirror", pages=BOARD_AND_PROJECTOR)
def curve_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    """The map with its experience curve after customer scores arrive or the mirror survey is revealed or hidden."""
    return [render_map(journey)]


@register_fragments("*")
def drawer_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    """The step panel's parts of the steps a change names; a deleted step's panel says it is gone; the hand-off lists
    of steps linked to a step renamed or deleted name it, so they follow."""
    parts = []
    if targets.get("layout"):
        parts.append(render_lane_form(journey))
    steps = named_steps(journey, targets)
    for step in steps:
        parts.extend(step_parts(step))
    if targets.get("deleted_step"):
        parts.append(render_part("step-gone", {"step_id": targets["deleted_step"]}, oob=True))
    linked = Step.objects.filter(pk__in=targets.get("linked_steps", []), journey=journey).exclude(
        pk__in=[step.pk for step in steps]
    )
    parts += [render_part("step-handoffs", step_handoffs_context(step), oob=True) for step in linked]
    return parts
