"""The workshop's pushed fragments: registered with the board's renderer registry so every change with a
"voting" / "timer" / "indicator" / "focus" target reaches each browser. Nothing here depends on the viewer.
"""

from __future__ import annotations

import math
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from journeys.models import Journey
from live.fragments import BOARD_AND_PROJECTOR, register_fragments
from workshops import selectors

PARTS = "workshops/parts.html"


def epoch_ms(moment: Any) -> int | None:
    return int(moment.timestamp() * 1000) if moment is not None else None


def indicator_context(journey: Journey) -> dict[str, Any]:
    return {"journey": journey, "score": selectors.indicator_summary(journey)}


def timer_context(journey: Journey) -> dict[str, Any]:
    now = timezone.now()
    state = selectors.timer_state(journey, now)
    seconds = math.ceil(state.remaining_seconds)
    return {
        "journey": journey,
        "timer": state,
        "server_now_ms": epoch_ms(now),
        "deadline_ms": epoch_ms(state.deadline),
        "remaining_ms": int(state.remaining_seconds * 1000),
        "remaining_text": f"{seconds // 60:02d}:{seconds % 60:02d}",
        "duration_minutes": round(state.duration_seconds / 60, 1),
    }


def voting_context(journey: Journey) -> dict[str, Any]:
    return {"journey": journey, "voting": selectors.voting_board(journey)}


def focus_context(journey: Journey) -> dict[str, Any]:
    return {"journey": journey, "focus_step": selectors.focus_step(journey)}


def render(name: str, context: dict[str, Any], *, oob: bool = True) -> str:
    return render_to_string(f"{PARTS}#{name}", {**context, "oob": oob})


@register_fragments("indicator", pages=BOARD_AND_PROJECTOR)
def indicator_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return [render("customer-indicator", indicator_context(journey))]


@register_fragments("timer", pages=BOARD_AND_PROJECTOR)
def timer_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return [render("workshop-timer", timer_context(journey))]


@register_fragments("voting", pages=BOARD_AND_PROJECTOR)
def voting_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    context = voting_context(journey)
    return [render("voting-status", context), render("voting-panel", context)]


# The open round lists the open pain points with their steps' titles, but a pain point's or a step's own change has
# no "voting" target: render the round's panel for those too while it is open, so no browser has to refetch it.
VOTING_ROW_KEYS = ("step", "other_step", "pain_point", "deleted_pain_point", "deleted_step")


@register_fragments("*", pages=BOARD_AND_PROJECTOR)
def voting_rows_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    if targets.get("voting") or not any(targets.get(key) for key in VOTING_ROW_KEYS):
        return []
    voting = selectors.latest_round(journey)
    if voting is None or not voting.is_open:
        return []
    return [render("voting-panel", voting_context(journey))]


@register_fragments("snapshot", pages=BOARD_AND_PROJECTOR)
def snapshot_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return [all_fragments(journey)]


@register_fragments("focus", pages=BOARD_AND_PROJECTOR)
def focus_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return [render("facilitator-focus", focus_context(journey))]


def all_fragments(journey: Journey) -> str:
    """Every workshop fragment as it is now: what a reconnecting or polling browser needs to catch up."""
    everything = {"indicator": True, "timer": True, "voting": True, "focus": True}
    renderers = (indicator_fragments, timer_fragments, voting_fragments, focus_fragments)
    return "\n".join(part for renderer in renderers for part in renderer(journey, everything))
