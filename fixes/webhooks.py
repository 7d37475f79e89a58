"""Shared fixes as webhook events (`webhooks.registry`): "fix linked" with the pain point as the API reads it, and
"fix done" with the pain points on the journey that are proposed as solved. A fix done reaches the subscriptions of
each journey it touches (a department's subscriptions hear of its pain points through "fix linked")."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from api.serializers import FixSerializer
from fixes.models import Fix
from journeys.models import Event, PainPoint
from webhooks import services
from webhooks.events import pain_point_payload
from webhooks.registry import register_event_kind, register_event_type


def _fix(event: Event) -> dict[str, Any] | None:
    fix = Fix.objects.select_related("owner").filter(pk=event.targets.get("fix") or 0).first()
    if fix is None:
        return None
    fix.seen_links = list(fix.links.filter(pain_point__journey_id=event.journey_id).order_by("pain_point_id"))
    return FixSerializer(fix).data


def fix_linked_payload(event: Event) -> tuple[PainPoint | None, dict[str, Any]]:
    pain_point, data = pain_point_payload(event)
    fix = _fix(event)
    if pain_point is None or fix is None:
        return None, {}
    data["action"] = "fix_linked"
    data["fix"] = fix
    return pain_point, data


def fix_done_payload(event: Event) -> tuple[PainPoint | None, dict[str, Any]]:
    fix = _fix(event)
    if fix is None:
        return None, {}
    data = {
        "action": "fix_done",
        "journey": {"id": event.journey_id, "title": event.journey.title},
        "seq": event.seq,
        "actor": services.person(event.actor),
        "fix": fix,
        "proposed_as_solved": event.targets.get("pain_points", []),
    }
    return None, data


def register() -> None:
    register_event_type("fix.linked", _("Fix linked"))
    register_event_type("fix.done", _("Fix done"))
    register_event_kind("fix.linked", "fix.linked", payload=fix_linked_payload)
    register_event_kind("fix.done", "fix.done", payload=fix_done_payload)
