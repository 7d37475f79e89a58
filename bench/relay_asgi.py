"""The baseline for bench_live.py: a plain Channels relay on daphne, with no database and no rendering.

POST /send/?n=<n> makes one group_send of a fixed string (with n in it) to every socket on /ws/relay/.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUP = "relay"


class RelayConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def relay_message(self, message: dict) -> None:
        await self.send(text_data=message["text"])


async def trigger(scope: dict, receive, send) -> None:
    while (await receive()).get("more_body"):
        pass
    n = parse_qs(scope["query_string"].decode()).get("n", ["0"])[0]
    text = f'<div id="board-seq" data-seq="{int(n)}" data-base="{int(n) - 1}" data-kind="push"></div>fixed'
    await get_channel_layer().group_send(GROUP, {"type": "relay.message", "text": text})
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


application = ProtocolTypeRouter(
    {"http": trigger, "websocket": URLRouter([path("ws/relay/", RelayConsumer.as_asgi())])}
)
