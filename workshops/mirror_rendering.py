"""The mirror survey page's pushed parts: the counts or the revealed results (largest gap first), the "revealed"
note, the save button and the facilitator's reveal button. Registered with the board's fragment registry, so every
mirror change reaches each open mirror page over the journey's socket, in the same frames and sequence as the board.
All user-independent: hidden estimates are never in them, and a participant's own estimates stay in the page's form.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from boards import experience
from journeys import mirror
from journeys.models import Journey
from live.fragments import register_follow_up, register_fragments

PARTS = "workshops/mirror/parts.html"
PART_NAMES = ("mirror-results", "mirror-locked", "mirror-save", "mirror-reveal-choice")
# Changes to the steps show in the revealed table (titles, rows), and a deleted step takes its estimates with it.
STEP_KEYS = ("step", "other_step", "deleted_step")
PAGE = ("mirror",)


def mirror_context(journey: Journey) -> dict[str, Any]:
    results = mirror.mirror_results(journey)
    return {"journey": journey, "results": results, "curve": experience.page_curve(journey, results)}


def render_mirror_parts(journey: Journey) -> list[str]:
    context = {**mirror_context(journey), "oob": True}
    return [render_to_string(f"{PARTS}#{name}", context) for name in PART_NAMES]


@register_fragments("mirror", pages=PAGE)
def mirror_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return render_mirror_parts(journey)


@register_fragments("snapshot", pages=PAGE)
def mirror_snapshot_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return render_mirror_parts(journey)


@register_follow_up(pages=PAGE)
def mirror_step_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    """A step change alters the page only once the results show, or when a step (and its estimates) is deleted.
    The results are computed over the whole journey, so they follow the step's push rather than delay it."""
    if targets.get("mirror") or not any(targets.get(key) for key in STEP_KEYS):
        return []
    if not targets.get("deleted_step") and not mirror.is_revealed(journey):
        return []
    return [render_to_string(f"{PARTS}#mirror-results", {**mirror_context(journey), "oob": True})]


@register_fragments("*", pages=PAGE)
def mirror_rows_signal(journey: Journey, targets: dict[str, Any]) -> list[str]:
    """The rows of each participant's own estimates hold what they saved, so they are never pushed: a change to the
    steps tells the page to fetch its rows again (`hx-trigger="mirror-steps-changed from:body"`)."""
    if not (targets.get("layout") or any(targets.get(key) for key in STEP_KEYS)):
        return []
    return ['<template data-live-event="mirror-steps-changed"></template>']
