"""Sockets end with the access behind them: at logout, a password change, a deactivated account or a removed
membership, at once, not at the next heartbeat.

Every socket of a logged-in user joins the user's account group (live.broadcast). The signals wired in apps.py ring
that group after the change commits; each socket then checks whether the message concerns it (its session, its
journey) and closes. The layer may drop a message, so every heartbeat also checks that the socket's session is
still alive (`session_alive`): a dropped message costs at most one beat.
"""

from __future__ import annotations

import hashlib
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import transaction
from django.utils.crypto import constant_time_compare

from live import broadcast, close_codes, presence


def session_tag(session_key: str | None) -> str:
    """What travels over the layer instead of the session key itself (Redis holds these messages)."""
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:32]


def scope_session_key(scope: dict[str, Any]) -> str | None:
    session = scope.get("session")
    return session.session_key if session is not None else None


def session_alive(*, scope: dict[str, Any]) -> bool:
    """Whether the session the socket was opened with still logs its user in (read afresh from the store). A socket
    mounted without a session (a consumer tested on its own) is only bound to its user."""
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return False
    if "session" not in scope:
        return get_user_model().objects.filter(pk=user.pk, is_active=True).exists()
    data = import_module(settings.SESSION_ENGINE).SessionStore(scope_session_key(scope)).load()
    if str(data.get(SESSION_KEY)) != str(user.pk):
        return False
    fresh = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
    return fresh is not None and constant_time_compare(data.get(HASH_SESSION_KEY, ""), fresh.get_session_auth_hash())


def still_watching(*, journey_id: int, scope: dict[str, Any], channel_name: str) -> tuple[int, bool]:
    """presence.heartbeat, for a socket whose session is still alive (NoLongerWatching otherwise)."""
    if not session_alive(scope=scope):
        raise presence.NoLongerWatching
    return presence.heartbeat(journey_id=journey_id, user=scope.get("user"), channel_name=channel_name)


class EndsWithAccess:
    """Mixed into a consumer: `follow_account()` after accepting (and at every beat), `leave_account()` on
    disconnect. A board consumer sets `journey_id`."""

    journey_id: int | None = None

    async def follow_account(self) -> None:
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await broadcast.follow_account(user.pk, self.channel_name)

    async def leave_account(self) -> None:
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await broadcast.leave_account(user.pk, self.channel_name)

    async def account_ended(self, message: dict[str, Any]) -> None:
        if message["session"] in ("", session_tag(scope_session_key(self.scope))):
            await self.close(code=close_codes.SIGNED_OUT)

    async def account_left_journey(self, message: dict[str, Any]) -> None:
        if message["journey"] == self.journey_id:
            await self.close(code=close_codes.NOT_ALLOWED)


# Signal receivers (wired in apps.py) ----------------------------------------------------------------------------


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and request is not None:
        broadcast.account_ended(user.pk, session=session_tag(request.session.session_key))


def on_user_saving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Before a user is saved: remember whether the save ends their sessions (a new password, deactivation)."""
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is not None and (before["password"] != instance.password or before["is_active"] > instance.is_active):
        instance._sessions_end = True


def on_user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(instance, "_sessions_end", False):
        del instance._sessions_end
        user_id = instance.pk
        transaction.on_commit(lambda: broadcast.account_ended(user_id, session=""))


def on_membership_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    user_id, journey_id = instance.user_id, instance.journey_id
    transaction.on_commit(lambda: broadcast.account_left_journey(user_id, journey_id))
