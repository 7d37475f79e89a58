"""Live owners' lists ("Pain points for my departments"): a doorbell, not a render.

The socket listens to one group per department its user belongs to (managers: the group of every department).
When a change concerns one of them, boards.broadcast rings it and the page refetches its rows over HTTP with its
own filters, rendered by the same partial as the first page. The layer may drop a doorbell, so every heartbeat also
carries the user's list marker (see `owner_list_marker`): a page whose rows were rendered under another marker
refetches. The heartbeat re-reads the user's departments too, so a department joined or left is followed, and
re-joins the groups, which keeps them from expiring.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model

from boards import broadcast
from journeys import pain_point_selectors

NOT_ALLOWED = 4403  # accept, then close: a refusal before accept looks like a network error and is retried forever


def groups_to_follow(user_id: int) -> set[str] | None:
    """None when the user is gone or deactivated. A fresh user at every beat: the socket outlives a change of
    departments or of the Managers group."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return broadcast.owner_list_groups(pain_point_selectors.departments_watched(user))


def list_marker(user_id: int) -> str:
    return pain_point_selectors.owner_list_marker(get_user_model().objects.get(pk=user_id))


class OwnerListConsumer(AsyncWebsocketConsumer):
    groups: list[str] = []
    joined: set[str] = set()
    beat_task: asyncio.Task | None = None

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=NOT_ALLOWED)
            return
        if await self.follow():
            self.beat_task = asyncio.create_task(self.beat())

    async def disconnect(self, code: int) -> None:
        if self.beat_task:
            self.beat_task.cancel()
        await broadcast.follow_groups(self.channel_name, wanted=set(), joined=self.joined)
        self.joined = set()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """The list has nothing to say; whatever arrives is ignored."""

    async def follow(self) -> bool:
        """(Re)join the user's groups, then send the marker: read after joining, so a change committed before the
        socket listened is not missed."""
        user_id = self.scope["user"].pk
        wanted = await database_sync_to_async(groups_to_follow)(user_id)
        if wanted is None:
            await self.close(code=NOT_ALLOWED)
            return False
        await broadcast.follow_groups(self.channel_name, wanted=wanted, joined=self.joined)
        self.joined = wanted
        marker = await database_sync_to_async(list_marker)(user_id)
        await self.send(text_data=json.dumps({"marker": marker}))
        return True

    async def beat(self) -> None:
        while True:
            await asyncio.sleep(settings.BOARD_HEARTBEAT_SECONDS)
            if not await self.follow():
                return

    async def dispatch(self, message: dict[str, Any]) -> None:
        # The doorbell touches no database: skip Channels' per-message close_old_connections thread hop.
        if message["type"] == "owner_list.doorbell":
            await self.owner_list_doorbell(message)
        else:
            await super().dispatch(message)

    async def owner_list_doorbell(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps({"doorbell": message["event"]}))
