from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import TOKEN_PREFIX, hash_token

# How often a token's "last used" is written: once a minute is enough to tell people, and spares a write per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def user_for_api_token(raw: str) -> tuple[Any, ApiToken] | None:
    """The active user an active token acts as, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
