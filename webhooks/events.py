"""Journey changes become webhook events. Every committed change reaches `on_journey_changed` (a listener of
`journeys.changes.journey_changed`, after commit); a change whose kind is registered (`webhooks.registry`) becomes
one message, and each active subscription that wants it (its journey, or a department responsible for the pain point)
gets a delivery, which `manage.py send_webhooks` sends and retries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from api.serializers import PainPointSerializer
from journeys.models import Department, Event, PainPoint
from webhooks import services
from webhooks.registry import KINDS, register_event_kind

WITH_TEXT = ("comment", "give_back", "reopen", "wont_fix", "solve", "plan_fix", "hand_over")


def pain_point_for_payload(pain_point_id: int | None) -> PainPoint | None:
    departments = Prefetch("responsible_departments", queryset=Department.objects.order_by("name"))
    rows = PainPoint.objects.select_related("journey", "step", "owner").prefetch_related(departments)
    return rows.filter(pk=pain_point_id).first() if pain_point_id else None


def pain_point_payload(event: Event) -> tuple[PainPoint | None, dict[str, Any]]:
    """What a pain point's change says: which action, the journey, who did it, the pain point as the API reads it
    (GET /api/v1/pain-points/<id>/ without the timeline) and, for actions with words, what they wrote."""
    pain_point = pain_point_for_payload(event.targets.get("pain_point"))
    if pain_point is None:  # deleted or undone before this listener ran
        return None, {}
    action = event.kind.removeprefix("pain_point.")
    data: dict[str, Any] = {
        "action": action,
        "journey": {"id": pain_point.journey_id, "title": pain_point.journey.title},
        "seq": event.seq,
        "actor": services.person(event.actor),
        "pain_point": PainPointSerializer(pain_point).data,
    }
    if action in WITH_TEXT:
        latest = pain_point.activities.order_by("-created_at", "-id").first()
        data["text"] = latest.text if latest is not None else ""
    return pain_point, data


register_event_kind("pain_point.created", "pain_point.created", payload=pain_point_payload)
for _action in ("pick_up", "hand_over", "give_back", "plan_fix", "solve", "wont_fix", "reopen"):
    register_event_kind(f"pain_point.{_action}", "pain_point.state_changed", payload=pain_point_payload)
register_event_kind("pain_point.comment", "pain_point.commented", payload=pain_point_payload)


def on_journey_changed(sender: Any, event: Event, **kwargs: Any) -> None:
    registered = KINDS.get(event.kind)
    if registered is None or not services.any_active_subscription():
        return
    pain_point, data = registered.payload(event)
    if data:
        services.deliveries_enqueue(event=event, event_type=registered.event_type, pain_point=pain_point, data=data)
