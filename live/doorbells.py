"""Sockets that ring a doorbell rather than carry a render: the manager dashboard and the owners' list.

Such a socket follows a few groups; when live.broadcast rings one, the page refetches its region over HTTP with its
own filters. The layer may drop a doorbell and forgets a member after its group_expiry (300 s), so every
BOARD_HEARTBEAT_SECONDS the socket re-reads what to follow, re-joins (refreshing the expiry) and sends a cheap
marker of what the page shows: a page whose region was rendered under another marker refetches. Subclasses say
which groups (`groups_to_follow`, None: not allowed any more) and which marker (`marker`), both sync ORM reads.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from live import account, broadcast

NOT_ALLOWED = 4403  # accept, then close: a refusal before accept looks like a network error and is retried forever


class DoorbellConsumer(account.EndsWithAccess, AsyncWebsocketConsumer):
    groups: list[str] = []
    doorbell_type = ""  # the layer message type live.broadcast rings this socket's groups with
    joined: set[str] = set()
    beat_task: asyncio.Task | None = None

    def groups_to_follow(self, user_id: int) -> set[str] | None:
        raise NotImplementedError

    def marker(self, user_id: int) -> str:
        raise NotImplementedError

    def groups_while_signed_in(self, user_id: int) -> set[str] | None:
        return self.groups_to_follow(user_id) if account.session_alive(scope=self.scope) else None

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
        await self.leave_account()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """These pages have nothing to say; whatever arrives is ignored."""

    async def follow(self) -> bool:
        """(Re)join the groups, then send the marker: read after joining, so a change committed before the socket
        listened is not missed."""
        user_id = self.scope["user"].pk
        wanted = await database_sync_to_async(self.groups_while_signed_in)(user_id)
        if wanted is None:
            await self.close(code=NOT_ALLOWED)
            return False
        await broadcast.follow_groups(self.channel_name, wanted=wanted, joined=self.joined)
        await self.follow_account()
        self.joined = wanted
        marker = await database_sync_to_async(self.marker)(user_id)
        await self.send(text_data=json.dumps({"marker": marker}))
        return True

    async def beat(self) -> None:
        while True:
            await asyncio.sleep(settings.BOARD_HEARTBEAT_SECONDS)
            if not await self.follow():
                return

    async def dispatch(self, message: dict[str, Any]) -> None:
        # The doorbell touches no database: skip Channels' per-message close_old_connections thread hop.
        if message["type"] == self.doorbell_type:
            await self.send(text_data=json.dumps({"doorbell": message["event"]}))
        else:
            await super().dispatch(message)
