"""The board map as one standalone SVG file: lanes in their colours, cards with wrapped titles, hand-off arrows with
the loops drawn as on the board. Same geometry as the page (boards.geometry through rendering.map_context); the
template escapes every text, so a title holding markup stays text.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from boards import geometry, rendering
from journeys.models import Journey, Step

TITLE_BAND = 48
TITLE_CHARS_PER_LINE = 24  # about what fits a card at 13px
TITLE_LINES = 3


@dataclass(frozen=True)
class SvgCard:
    step: Step
    x: int
    y: int
    lines: list[str]


def wrap_title(title: str, *, width: int = TITLE_CHARS_PER_LINE, lines: int = TITLE_LINES) -> list[str]:
    wrapped = textwrap.wrap(title, width=width, break_long_words=True, break_on_hyphens=True) or [""]
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(rest, width=width, placeholder="…")]
    return wrapped


def svg_context(journey: Journey) -> dict[str, Any]:
    context = rendering.map_context(journey)
    cards = [SvgCard(step, box.x, box.y, wrap_title(step.title)) for step, box in context["placed_steps"]]
    return {
        **context,
        "cards": cards,
        "title_band": TITLE_BAND,
        "card_width": geometry.CARD_WIDTH,
        "card_height": geometry.CARD_HEIGHT,
        "total_height": context["canvas_height"] + TITLE_BAND,
    }


def journey_svg(journey: Journey) -> str:
    return render_to_string("exchange/map.svg", svg_context(journey))
