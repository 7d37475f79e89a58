"""Target dates: the owner of an open pain point hears once when its target date is near and once when it has
passed (per target date: a new plan with a new date tells them again). Run by `manage.py send_notifications`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from journeys.models import PainPoint
from notifications.models import Kind, Notification
from notifications.producers import pain_point_url
from notifications.services import Draft, notifications_create

OPEN = (PainPoint.Status.OPEN, PainPoint.Status.IN_PROGRESS)


def due_dates_check(*, today: datetime.date | None = None) -> int:
    """Tell owners of what is due soon or overdue and was not told yet; returns how many notifications it made."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.NOTIFY_DUE_SOON_DAYS)
    due = PainPoint.objects.filter(
        status__in=OPEN, owner__isnull=False, target_date__lte=horizon, owner__memberships__journey=F("journey")
    )
    told = set(
        Notification.objects.filter(
            kind__in=[Kind.DUE_SOON, Kind.OVERDUE], pain_point__in=due.values("pk")
        ).values_list("dedupe_key", flat=True)
    )
    drafts = []
    for pain_point in due.only("pk", "journey_id", "step_id", "owner_id", "text", "target_date"):
        kind = Kind.OVERDUE if pain_point.target_date < today else Kind.DUE_SOON
        key = f"{kind}:{pain_point.pk}:{pain_point.target_date.isoformat()}"
        if key in told:
            continue
        drafts.append(
            Draft(
                recipient_id=pain_point.owner_id,
                kind=kind,
                journey_id=pain_point.journey_id,
                pain_point_id=pain_point.pk,
                step_id=pain_point.step_id,
                text=pain_point.text,
                url=pain_point_url(pain_point),
                dedupe_key=key,
            )
        )
    return len(notifications_create(drafts=drafts))
