"""Live manager dashboards: a doorbell, not a render.

When a pain point changes anywhere, one small message goes to the "dashboards" group. Each open dashboard then
refetches its body over HTTP with its own filters; bodies are cached per (filters, latest event), so a hundred
managers looking at the same filters cost one render. The layer may drop a doorbell (see the realtime notes): the
next one, or the catch-up after a reconnect, brings the page up to date because the body is always rendered whole.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.dispatch import receiver

from boards.dashboard_views import is_manager
from journeys.changes import journey_changed
from journeys.models import Event

DASHBOARDS_GROUP = "dashboards"
NOT_ALLOWED = 4403  # accept, then close: a refusal before accept looks like a network error and is retried forever


def ring_dashboards(event: Event) -> None:
    """Tell every open dashboard that pain point figures changed (the one function broadcast.py needs).

    Deleting a step deletes its pain points too, so that rings as well."""
    if not (event.kind.startswith("pain_point") or event.kind == "step.deleted"):
        return
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "dashboard.doorbell", "event": event.pk}
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # the usual case: a sync view or command, on a thread without an event loop
        async_to_sync(layer.group_send)(DASHBOARDS_GROUP, message)
    else:  # sync code called from async code's own thread (e.g. inside a test's event loop)
        loop.create_task(layer.group_send(DASHBOARDS_GROUP, message))


@receiver(journey_changed, dispatch_uid="ring_dashboards")
def _on_journey_changed(sender: Any, event: Event, **kwargs: Any) -> None:
    ring_dashboards(event)


class DashboardConsumer(AsyncWebsocketConsumer):
    groups: list[str] = []

    async def connect(self) -> None:
        await self.accept()
        if not await database_sync_to_async(is_manager)(self.scope["user"]):
            await self.close(code=NOT_ALLOWED)
            return
        await self.channel_layer.group_add(DASHBOARDS_GROUP, self.channel_name)
        self.joined = True

    async def disconnect(self, code: int) -> None:
        if getattr(self, "joined", False):
            await self.channel_layer.group_discard(DASHBOARDS_GROUP, self.channel_name)

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
