"""How a person wants to hear of each kind of notification, with the defaults for people who never chose."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from notifications.models import Delivery, DigestFrequency, Kind, NotificationPreference

# What needs someone's action now goes out at once; the rest waits for the digest. Everything shows in the app.
DEFAULT_DELIVERIES: dict[str, str] = {
    Kind.TAGGED: Delivery.DIGEST,
    Kind.HANDED_OVER: Delivery.EMAIL,
    Kind.COMMENTED: Delivery.DIGEST,
    Kind.MENTIONED: Delivery.EMAIL,
    Kind.DUE_SOON: Delivery.DIGEST,
    Kind.OVERDUE: Delivery.EMAIL,
    Kind.SOLVED: Delivery.DIGEST,
    Kind.FIX_DONE: Delivery.EMAIL,
    Kind.REPORT_RECEIVED: Delivery.DIGEST,
    Kind.REPORT_OUTCOME: Delivery.EMAIL,
}


@dataclass(frozen=True)
class Preferences:
    user_id: int
    language: str = settings.LANGUAGE_CODE  # what e-mails are written in
    chosen_language: str = ""  # "" follows the language of the site
    digest: str = DigestFrequency.WEEKLY
    deliveries: dict[str, str] = field(default_factory=dict)
    email_enabled: bool = True

    def delivery(self, kind: str) -> str:
        chosen = self.deliveries.get(kind)
        return chosen if chosen in Delivery.values else DEFAULT_DELIVERIES[kind]


def from_row(row: NotificationPreference | None, user_id: int) -> Preferences:
    if row is None:
        return Preferences(user_id=user_id)
    return Preferences(
        user_id=user_id,
        language=row.email_language or row.language,
        chosen_language=row.email_language,
        digest=row.digest,
        deliveries=dict(row.deliveries or {}),
        email_enabled=row.email_enabled,
    )


def preferences_of(user: Any) -> Preferences:
    return from_row(NotificationPreference.objects.filter(user=user).first(), user.pk)


def preferences_for(user_ids: Iterable[int]) -> dict[int, Preferences]:
    """Everyone's preferences in one query; people without a row get the defaults."""
    ids = set(user_ids)
    rows = {row.user_id: row for row in NotificationPreference.objects.filter(user_id__in=ids)}
    return {pk: from_row(rows.get(pk), pk) for pk in ids}
