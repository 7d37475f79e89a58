"""What a change of the intake pushes: the board's "Reports" link with its waiting count, and to the triage queue a
signal that the queue changed. The queue's reports carry forms that depend on who looks (and a CSRF token), so they
are never pushed: the open queue page refetches its lists over HTTP when the signal arrives (see queue.html)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from intake.selectors import pending_count
from journeys.models import Journey
from live.fragments import register_fragments

PARTS = "intake/parts.html"
QUEUE_PAGE = ("reports",)


def queue_may_have_changed(targets: dict[str, Any]) -> bool:
    """A report came in or was handled; an undo (always a layout change) or a catch-up snapshot may have either."""
    return bool(targets.get("report") or targets.get("layout"))


def render_reports_link(journey: Journey, *, oob: bool) -> str:
    context = {"journey": journey, "waiting": pending_count(journey), "oob": oob}
    return render_to_string(f"{PARTS}#reports-link", context)


@register_fragments("*")
def reports_link_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return [render_reports_link(journey, oob=True)] if queue_may_have_changed(targets) else []


@register_fragments("*", pages=QUEUE_PAGE)
def queue_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    if not queue_may_have_changed(targets):
        return []
    return [render_to_string(f"{PARTS}#queue-changed", {"oob": True})]
