"""Renders the partials of the board. Used for the first page, the htmx responses and the pushed fragments alike,
so a reload shows exactly what live updates show. Nothing here depends on who is looking: no user, no CSRF token.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language

from boards import geometry
from journeys import selectors
from journeys.models import Event, Journey, Step

PARTS = "boards/parts.html"

# Other parts of the board (insights, voting, timer, ...) register how to render themselves for a change:
# FRAGMENT_RENDERERS["voting"] = [lambda journey, targets: [...]]; called when `targets` has that key
# or, for key "*", on every change.
FragmentRenderer = Callable[[Journey, dict[str, Any]], list[str]]
FRAGMENT_RENDERERS: dict[str, list[FragmentRenderer]] = {}
# Parts recomputed after every change that are costly and derived from the whole board (the insights panel). They
# travel in a follow-up frame right behind the change's own push, so the edit itself shows without waiting for them.
FOLLOW_UP_RENDERERS: list[FragmentRenderer] = []


def register_fragments(key: str) -> Callable[[FragmentRenderer], FragmentRenderer]:
    def register(renderer: FragmentRenderer) -> FragmentRenderer:
        renderers = FRAGMENT_RENDERERS.setdefault(key, [])
        if renderer not in renderers:
            renderers.append(renderer)
        return renderer

    return register


def register_follow_up(renderer: FragmentRenderer) -> FragmentRenderer:
    if renderer not in FOLLOW_UP_RENDERERS:
        FOLLOW_UP_RENDERERS.append(renderer)
    return renderer


def map_context(journey: Journey) -> dict[str, Any]:
    board = selectors.board_data(journey)
    boxes = geometry.card_boxes(board)
    width, height = geometry.canvas_size(board)
    return {
        "journey": journey,
        "board": board,
        "placed_steps": [(step, boxes[step.pk]) for step in board.steps],
        "lanes": [(index * geometry.LANE_HEIGHT, dept) for index, dept in enumerate(board.lanes)],
        # The lane of steps without a department stays at the bottom: the last lane that can move down is above it.
        "last_department_lane": sum(1 for dept in board.lanes if dept is not None) - 1,
        "arrows": geometry.arrows(board, boxes),
        "canvas_width": width,
        "canvas_height": height,
        "lane_height": geometry.LANE_HEIGHT,
        "lane_header_width": geometry.LANE_HEADER_WIDTH,
    }


def render_part(name: str, context: dict[str, Any], *, oob: bool) -> str:
    return render_to_string(f"{PARTS}#{name}", {**context, "oob": oob})


def render_map(journey: Journey, *, oob: bool = True) -> str:
    return render_part("board-map", map_context(journey), oob=oob)


def step_parts(step: Step, *, with_card: bool) -> list[str]:
    parts = []
    if with_card:
        parts.append(render_part("step-card", {"step": selectors.step_with_counts(step.pk)}, oob=True))
    parts.append(render_part("step-summary", {"step": step}, oob=True))
    parts.append(render_part("step-handoffs", step_handoffs_context(step), oob=True))
    parts.append(render_part("pain-point-list", pain_point_list_context(step), oob=True))
    return parts


def pain_point_list_context(step: Step) -> dict[str, Any]:
    return {"step": step, "pain_points": list(selectors.pain_points_for_step(step))}


def step_handoffs_context(step: Step) -> dict[str, Any]:
    return {
        "step": step,
        "outgoing": list(step.outgoing.select_related("to_step")),
        "incoming": list(step.incoming.select_related("from_step")),
    }


def render_changes(journey: Journey, targets: dict[str, Any], *, follow_ups: bool = True) -> str:
    """The out-of-band fragments that bring a page up to date with one change described by `targets`; without the
    follow-up parts when those travel separately (see FOLLOW_UP_RENDERERS)."""
    parts = []
    if targets.get("layout"):
        parts.append(render_map(journey))
    step_ids = [targets[key] for key in ("step", "other_step") if targets.get(key)]
    for step in Step.objects.filter(pk__in=step_ids, journey=journey).select_related("department"):
        parts.extend(step_parts(step, with_card=not targets.get("layout")))
    if targets.get("deleted_step"):
        parts.append(render_part("step-gone", {"step_id": targets["deleted_step"]}, oob=True))
    for key, renderers in FRAGMENT_RENDERERS.items():
        if key == "*" or targets.get(key):
            for renderer in renderers:
                parts.extend(renderer(journey, targets))
    if follow_ups:
        parts.append(render_follow_ups(journey, targets))
    return "\n".join(part for part in parts if part)


def render_follow_ups(journey: Journey, targets: dict[str, Any]) -> str:
    return "\n".join(part for renderer in FOLLOW_UP_RENDERERS for part in renderer(journey, targets))


# The push of a change and the HTTP answer to whoever made it carry the same fragments: the push renders them
# right after commit, the answer a moment later in the same thread. Remember the last few: one render, not two.
_RECENT_EVENT_RENDERS: OrderedDict[tuple[Any, ...], str] = OrderedDict()
RECENT_EVENT_RENDERS_KEPT = 32


def render_event(journey: Journey, event: Event) -> str:
    """The fragments of one change, in the active language, as of just after it, without the follow-ups."""
    key = (event.pk, event.journey_id, event.created_at, get_language())
    html = _RECENT_EVENT_RENDERS.get(key)
    if html is None:
        html = render_changes(journey, event.targets, follow_ups=False)
        _RECENT_EVENT_RENDERS[key] = html
        while len(_RECENT_EVENT_RENDERS) > RECENT_EVENT_RENDERS_KEPT:
            _RECENT_EVENT_RENDERS.popitem(last=False)
    return html
