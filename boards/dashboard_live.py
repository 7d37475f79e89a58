"""Live manager dashboards: a doorbell, not a render.

When a pain point changes anywhere, boards.broadcast rings the "dashboards" group (broadcast.py is the only module
that talks to the channel layer). Each open dashboard then refetches its body over HTTP with its own filters;
bodies are cached per (filters, latest event), so a hundred managers looking at the same filters cost one render.
The layer may drop a doorbell (see the realtime notes): the next one, or the catch-up after a reconnect, brings the
page up to date because the body is always rendered whole.
"""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from boards import broadcast
from boards.dashboard_views import is_manager

NOT_ALLOWED = 4403  # accept, then close: a refusal before accept looks like a network error and is retried forever


class DashboardConsumer(AsyncWebsocketConsumer):
    groups: list[str] = []

    async def connect(self) -> None:
        await self.accept()
        if not await database_sync_to_async(is_manager)(self.scope["user"]):
            await self.close(code=NOT_ALLOWED)
            return
        await broadcast.join_dashboards(self.channel_name)
        self.joined = True

    async def disconnect(self, code: int) -> None:
        if getattr(self, "joined", False):
            await broadcast.leave_dashboards(self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Dashboards have nothing to say; whatever arrives is ignored."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        # The doorbell touches no database: skip Channels' per-message close_old_connections thread hop.
        if message["type"] == "dashboard.doorbell":
            await self.dashboard_doorbell(message)
        else:
            await super().dispatch(message)

    async def dashboard_doorbell(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps({"doorbell": message["event"]}))
