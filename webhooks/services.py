"""Webhook subscriptions (facilitators for their journey, managers for any journey or department) and their
deliveries: queued after a change commits, sent and retried with backoff by `manage.py send_webhooks`."""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from journeys.errors import NotAllowed
from journeys.models import Department, Event, Journey, PainPoint
from journeys.permissions import is_facilitator, is_manager
from painpoints.services import display_name
from webhooks import sender
from webhooks.models import Attempt, Delivery, Subscription
from webhooks.registry import EVENT_TYPES, TEST_EVENT
from webhooks.targets import TargetRefused, check_url, resolve

Status = Delivery.Status
USER_AGENT = "JourneyBoard-Webhooks/1"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def person(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "username": user.get_username(), "name": display_name(user)} if user is not None else None


# Who manages what -------------------------------------------------------------------------------------------------


def may_manage(user: Any, subscription: Subscription) -> bool:
    if is_manager(user):
        return True
    return subscription.journey_id is not None and is_facilitator(subscription.journey_id, user)


def _check_may_subscribe(actor: Any, journey: Journey | None, department: Department | None) -> None:
    if is_manager(actor):
        return
    if department is not None:
        raise NotAllowed(_("Only managers can send a department's pain points to a webhook."))
    if journey is None or not is_facilitator(journey, actor):
        raise NotAllowed(_("Only the journey's facilitator or a manager can add a webhook for it."))


def _clean(url: str, event_types: list[str]) -> None:
    errors: dict[str, Any] = {}
    try:
        check_url(url)
    except TargetRefused as refused:
        errors["url"] = str(refused)
    if not event_types:
        errors["event_types"] = _("Choose at least one event.")
    elif unknown := set(event_types) - set(EVENT_TYPES):
        errors["event_types"] = _("Unknown events: %(events)s.") % {"events": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)


def subscription_create(
    *,
    actor: Any,
    url: str,
    event_types: list[str],
    journey: Journey | None = None,
    department: Department | None = None,
    description: str = "",
) -> Subscription:
    if (journey is None) == (department is None):
        raise ValidationError({"journey": _("Choose a journey or a department.")})
    _check_may_subscribe(actor, journey, department)
    _clean(url, event_types)
    return Subscription.objects.create(
        journey=journey,
        department=department,
        url=url,
        description=description.strip(),
        event_types=sorted(set(event_types)),
        secret=new_secret(),
        created_by=actor,
    )


def subscription_set_active(*, actor: Any, subscription: Subscription, active: bool) -> Subscription:
    if not may_manage(actor, subscription):
        raise NotAllowed(_("Only the journey's facilitator or a manager can change this webhook."))
    subscription.active = active
    subscription.save(update_fields=["active"])
    return subscription


def subscription_delete(*, actor: Any, subscription: Subscription) -> None:
    if not may_manage(actor, subscription):
        raise NotAllowed(_("Only the journey's facilitator or a manager can delete this webhook."))
    subscription.delete()


# Queueing -----------------------------------------------------------------------------------------------------------


def _message(event_type: str, data: dict[str, Any], when: datetime.datetime) -> dict[str, Any]:
    return {"type": event_type, "timestamp": when.isoformat(), "data": data}


def any_active_subscription() -> bool:
    return Subscription.objects.filter(active=True).exists()


def subscriptions_for_event(journey_id: int, pain_point: PainPoint | None, event_type: str) -> list[Subscription]:
    wanted = Q(journey_id=journey_id)
    if pain_point is not None:
        wanted |= Q(department_id__in=[d.pk for d in pain_point.responsible_departments.all()])
    rows = Subscription.objects.filter(wanted, active=True)
    return [subscription for subscription in rows if event_type in subscription.event_types]


def deliveries_enqueue(*, event: Event, event_type: str, pain_point: PainPoint | None, data: dict[str, Any]) -> int:
    message = _message(event_type, data, event.created_at)
    now = timezone.now()
    rows = [
        Delivery(subscription=s, message_id=f"msg_{uuid.uuid4().hex}", event_type=event_type, payload=message,
                 next_attempt_at=now)
        for s in subscriptions_for_event(event.journey_id, pain_point, event_type)
    ]  # fmt: skip
    Delivery.objects.bulk_create(rows)
    return len(rows)


# Sending ------------------------------------------------------------------------------------------------------------


def signed_headers(subscription: Subscription, delivery: Delivery, body: bytes, now: datetime.datetime) -> dict:
    signature = Webhook(subscription.secret).sign(msg_id=delivery.message_id, timestamp=now, data=body)
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _attempt(delivery: Delivery, now: datetime.datetime) -> tuple[sender.Answer, bool]:
    """Send once; (the answer, whether trying again can help)."""
    subscription = delivery.subscription
    if not subscription.active:
        return sender.Answer(None, "", _("The webhook is switched off."), 0), False
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    try:
        target = resolve(subscription.url)
    except TargetRefused as refused:  # an administrator's decision: retrying will not change it
        return sender.Answer(None, "", str(refused), 0), False
    headers = signed_headers(subscription, delivery, body, now)
    return sender.post(target, body, headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS), True


def delivery_send(*, delivery: Delivery, retry: bool = True) -> Attempt:
    """One attempt, logged; on failure the next one is scheduled per WEBHOOK_RETRY_SECONDS until they run out."""
    now = timezone.now()
    answer, retryable = _attempt(delivery, now)
    attempt = Attempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=answer.status_code,
        response_excerpt=answer.excerpt,
        error=answer.error,
        duration_ms=answer.duration_ms,
    )
    delivery.attempts += 1
    backoff = settings.WEBHOOK_RETRY_SECONDS
    if attempt.succeeded:
        delivery.status, delivery.next_attempt_at = Status.DELIVERED, None
    elif retry and retryable and delivery.attempts <= len(backoff):
        delivery.next_attempt_at = now + datetime.timedelta(seconds=backoff[delivery.attempts - 1])
    else:
        delivery.status, delivery.next_attempt_at = Status.FAILED, None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    return attempt


def _claim(delivery: Delivery, now: datetime.datetime) -> bool:
    """Take a due delivery for this worker: another worker that read it too finds it moved on and leaves it."""
    lease = now + datetime.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    claimed = Delivery.objects.filter(pk=delivery.pk, status=Status.PENDING, next_attempt_at=delivery.next_attempt_at)
    return claimed.update(next_attempt_at=lease) == 1


def deliveries_send_due(*, limit: int = 100) -> int:
    """Send every delivery that is due (at most `limit`), once each; the number of attempts made."""
    now = timezone.now()
    due = Delivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).select_related("subscription")
    sent = 0
    for delivery in due.order_by("next_attempt_at", "id")[:limit]:
        if _claim(delivery, now):
            delivery_send(delivery=delivery)
            sent += 1
    return sent


def test_event_send(*, actor: Any, subscription: Subscription) -> Delivery:
    """Send a test message now, once (no retries), and log it like any other."""
    if not may_manage(actor, subscription):
        raise NotAllowed(_("Only the journey's facilitator or a manager can test this webhook."))
    data = {"subscription": subscription.pk, "by": person(actor), "message": "This is a test event from Journey Board."}
    delivery = Delivery.objects.create(
        subscription=subscription,
        message_id=f"msg_{uuid.uuid4().hex}",
        event_type=TEST_EVENT,
        payload=_message(TEST_EVENT, data, timezone.now()),
    )
    delivery_send(delivery=delivery, retry=False)
    return delivery
