from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from notifications.selectors import Bell, bell_for


class LazyBell:
    """The header's bell, read only when a page shows it (one query)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.heartbeat_seconds = settings.BOARD_HEARTBEAT_SECONDS

    @cached_property
    def state(self) -> Bell:
        return bell_for(self.user_id)

    @property
    def unread(self) -> int:
        return self.state.unread

    @property
    def marker(self) -> str:
        return self.state.marker


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": LazyBell(user.pk)}
