"""Writes of the notifications app: make notifications (and queue their e-mails), read them, set preferences,
unsubscribe, and send the queued e-mails."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from live.broadcast import ring
from notifications import emails
from notifications.models import (
    Delivery,
    DigestFrequency,
    EmailOptOut,
    Kind,
    Notification,
    NotificationPreference,
    OutgoingEmail,
)
from notifications.preferences import Preferences, preferences_for
from notifications.wording import describe

logger = logging.getLogger(__name__)

BELL_DOORBELL = "notifications.doorbell"
MAX_ATTEMPTS = 5
# A sender that claimed e-mails and died: after this long another sender may take them.
STALE_CLAIM = timedelta(minutes=10)


def bell_group(user_id: int) -> str:
    return f"notifications-user-{user_id}"


@dataclass(frozen=True)
class Draft:
    """A notification to make: who hears of what. `dedupe_key` makes it once only (periodic checks)."""

    recipient_id: int
    kind: str
    actor_id: int | None = None
    journey_id: int | None = None
    pain_point_id: int | None = None
    step_id: int | None = None
    text: str = ""
    detail: str = ""
    url: str = ""
    dedupe_key: str = ""


def notifications_create(*, drafts: Iterable[Draft]) -> list[Notification]:
    """Make the notifications people want (nobody hears of their own doing; one per person and subject, the most
    specific kind winning), queue the e-mails of those who want one at once and ring their bells."""
    chosen = _one_per_subject(draft for draft in drafts if draft.recipient_id != draft.actor_id)
    if not chosen:
        return []
    preferences = preferences_for(draft.recipient_id for draft in chosen)
    made = []
    for draft in chosen:
        delivery = preferences[draft.recipient_id].delivery(draft.kind)
        if delivery != Delivery.OFF:
            notification = _create(draft, delivery)
            if notification is not None:
                made.append(notification)
    _queue_emails([n for n in made if n.delivery == Delivery.EMAIL], preferences)
    ring_bells({notification.recipient_id for notification in made})
    return made


# When one change concerns someone in several ways, they hear of the most specific one.
PRIORITY = [
    Kind.MENTIONED,
    Kind.HANDED_OVER,
    Kind.FIX_DONE,
    Kind.OVERDUE,
    Kind.DUE_SOON,
    Kind.REPORT_OUTCOME,
    Kind.REPORT_RECEIVED,
    Kind.TAGGED,
    Kind.SOLVED,
    Kind.COMMENTED,
]


def _one_per_subject(drafts: Iterable[Draft]) -> list[Draft]:
    seen: dict[tuple[Any, ...], Draft] = {}
    for draft in sorted(drafts, key=lambda draft: PRIORITY.index(draft.kind)):
        seen.setdefault((draft.recipient_id, draft.pain_point_id, draft.step_id, draft.detail), draft)
    return list(seen.values())


def _create(draft: Draft, delivery: str) -> Notification | None:
    fields = {name: getattr(draft, name) for name in Draft.__dataclass_fields__}
    fields["text"], fields["detail"] = draft.text[:300], draft.detail[:300]
    try:
        with transaction.atomic():
            return Notification.objects.create(**fields, delivery=delivery)
    except IntegrityError:  # made already (the dedupe key): a check that runs again tells nobody twice
        return None


def _queue_emails(notifications: list[Notification], preferences: dict[int, Preferences]) -> None:
    if not notifications:
        return
    users = get_user_model().objects.in_bulk({n.recipient_id for n in notifications})
    queued = []
    for notification in notifications:
        user, wanted = users.get(notification.recipient_id), preferences[notification.recipient_id]
        if user is None or not user.email or not user.is_active or not wanted.email_enabled:
            continue
        queued.append(_notification_email(notification, user, wanted.language))
    OutgoingEmail.objects.bulk_create(queued)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(delivered_at=timezone.now())


def _notification_email(notification: Notification, user: Any, language: str) -> OutgoingEmail:
    from django.utils import translation

    with translation.override(language):
        sentence = describe(notification)
    context = {
        "user": user,
        "notification": notification,
        "sentence": sentence,
        "link": emails.absolute(notification.url) if notification.url else "",
        "journey_title": notification.journey.title if notification.journey_id else "",
    }
    return emails.render_email(
        template="notifications/email/notification",
        context=context,
        language=language,
        to=user.email,
        unsubscribe=emails.unsubscribe_url(user_id=user.pk),
    )


def ring_bells(user_ids: Iterable[int]) -> None:
    groups = sorted(bell_group(pk) for pk in user_ids)
    if groups:
        try:
            ring(groups, {"type": BELL_DOORBELL, "event": "notifications"})  # truthy: doorbell.js refetches
        except Exception:  # the bell's heartbeat marker catches up
            logger.exception("Could not ring the notification bells")


# Reading ----------------------------------------------------------------------------------------------------------


def notification_open(*, notification: Notification, reader: Any) -> Notification:
    if notification.recipient_id != reader.pk:
        raise ValidationError(_("That notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=notification.read_at)
        ring_bells([reader.pk])  # the user's other tabs
    return notification


def notifications_mark_all_read(*, reader: Any) -> int:
    count = Notification.objects.filter(recipient=reader, read_at=None).update(read_at=timezone.now())
    if count:
        ring_bells([reader.pk])
    return count


# Preferences ------------------------------------------------------------------------------------------------------


def preferences_update(
    *, user: Any, deliveries: dict[str, str], digest: str, email_enabled: bool, language: str
) -> NotificationPreference:
    problems = {kind: value for kind, value in deliveries.items() if kind not in Kind.values}
    problems |= {kind: value for kind, value in deliveries.items() if value not in Delivery.values}
    if problems:
        raise ValidationError(_("Choose how you hear of each kind of notification from the list."))
    if digest not in DigestFrequency.values:
        raise ValidationError({"digest": _("Choose weekly, daily or never.")})
    chosen = {"deliveries": deliveries, "digest": digest, "email_enabled": email_enabled, "email_language": language}
    row, _created = NotificationPreference.objects.update_or_create(user=user, defaults=chosen)
    return row


def language_remember(*, user: Any, language: str) -> None:
    """The interface language someone uses is the language of their e-mails (unless they chose one for e-mail)."""
    NotificationPreference.objects.update_or_create(user=user, defaults={"language": language})


def email_unsubscribe(*, token: str) -> bool:
    """Stop all e-mail for whoever the token names (a person, or a reporter's address); False for a bad token."""
    payload = emails.read_unsubscribe_token(token)
    if payload is None:
        return False
    if "u" in payload:
        user = get_user_model().objects.filter(pk=payload["u"]).first()
        if user is None:
            return False
        NotificationPreference.objects.update_or_create(user=user, defaults={"email_enabled": False})
    else:
        EmailOptOut.objects.get_or_create(address=payload["e"])
    return True


def email_to_address(*, to: str, template: str, context: dict[str, Any], language: str) -> OutgoingEmail | None:
    """Queue an e-mail for someone without an account (a reporter), unless that address opted out."""
    if EmailOptOut.objects.filter(address=to.lower()).exists():
        return None
    outgoing = emails.render_email(
        template=template,
        context=context,
        language=language,
        to=to,
        unsubscribe=emails.unsubscribe_url(address=to),
    )
    outgoing.save()
    return outgoing


# Sending --------------------------------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0


def outbox_send(*, batch_size: int = 100) -> SendReport:
    """Send what is queued, batch by batch. Each batch is claimed first with one UPDATE that re-checks that the row
    is unclaimed, so two senders running at once never send the same e-mail. What fails waits for the next run."""
    report = SendReport()
    failed: set[int] = set()
    while True:
        claimed = _claim_batch(batch_size, skip=failed)
        if not claimed:
            return report
        if not _send_batch(claimed, report, failed):
            return report  # the mail server is unreachable: the next run tries again


def _claim_batch(batch_size: int, *, skip: set[int]) -> list[OutgoingEmail]:
    now = timezone.now()
    token = uuid.uuid4().hex
    free = Q(sent_at=None, attempts__lt=MAX_ATTEMPTS) & (Q(claim="") | Q(claimed_at__lt=now - STALE_CLAIM))
    candidates = OutgoingEmail.objects.filter(free).exclude(pk__in=skip).order_by("pk").values("pk")[:batch_size]
    OutgoingEmail.objects.filter(free, pk__in=candidates).update(claim=token, claimed_at=now)
    return list(OutgoingEmail.objects.filter(claim=token, sent_at=None))


def _send_batch(claimed: list[OutgoingEmail], report: SendReport, failed: set[int]) -> bool:
    opted_out = set(
        EmailOptOut.objects.filter(address__in=[e.to.lower() for e in claimed]).values_list("address", flat=True)
    )
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        logger.warning("Could not reach the mail server: %s", error)
        for outgoing in claimed:
            _failed(outgoing, error, report, failed)
        return False
    try:
        for outgoing in claimed:
            if outgoing.to.lower() in opted_out:
                OutgoingEmail.objects.filter(pk=outgoing.pk).update(sent_at=timezone.now(), last_error="opted out")
                continue
            try:
                connection.send_messages([emails.message(outgoing)])
            except Exception as error:  # the mail server said no: try again later, a few times
                _failed(outgoing, error, report, failed)
            else:
                sent = {"sent_at": timezone.now(), "attempts": outgoing.attempts + 1}
                OutgoingEmail.objects.filter(pk=outgoing.pk).update(**sent)
                report.sent += 1
    finally:
        connection.close()
    return True


def _failed(outgoing: OutgoingEmail, error: Exception, report: SendReport, failed: set[int]) -> None:
    logger.warning("Could not send e-mail %s: %s", outgoing.pk, error)
    OutgoingEmail.objects.filter(pk=outgoing.pk).update(
        claim="", attempts=outgoing.attempts + 1, last_error=str(error)[:500]
    )
    report.failed += 1
    failed.add(outgoing.pk)
