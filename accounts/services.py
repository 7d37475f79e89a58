"""Personal API tokens: created and revoked by their owner on the profile page."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken
from journeys.text import required_text

TOKEN_PREFIX = "jb_"


def hash_token(raw: str) -> str:
    # The secret is 256 random bits: a plain SHA-256 cannot be brute-forced, and a lookup stays one indexed query.
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    name = required_text(name, "name", _("Give the token a name, e.g. the system that uses it."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:80], prefix=raw[:10], key_hash=hash_token(raw))
    return token, raw


def api_token_revoke(*, user: Any, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when it is not theirs (or does not exist)."""
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is not None and token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
