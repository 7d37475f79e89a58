"""The baselines for bench_live.py: a plain Channels relay on daphne, with no database and no rendering, and the
same relay triggered through Django.

`application`: POST /send/?n=<n> makes one group_send of a fixed string (with n in it) to every socket on
/ws/relay/, straight from ASGI.

`django_application`: the floor under the live board's full path. POST /send/?n=<n> goes through the project's
Django stack (every middleware: session, user, CSRF, rate limit) to a login-required view whose only work is that
group_send, and the sockets skip Channels' per-message close_old_connections hop as the board's do. No
transaction, no version check, no event row, no render: what any change costs that travels as an HTTP POST
through Django and fans out through Channels, before it does any work of its own.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from asgiref.sync import async_to_sync  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

GROUP = "relay"


class RelayConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def relay_message(self, message: dict) -> None:
        await self.send(text_data=message["text"])


class HopFreeRelayConsumer(RelayConsumer):
    """Forwards without Channels' close_old_connections thread hop, like live.consumers.BoardConsumer."""

    async def dispatch(self, message: dict) -> None:
        if message["type"] == "relay.message":
            await self.relay_message(message)
        else:
            await super().dispatch(message)


def relay_text(n: int) -> str:
    return f'<div id="board-seq" data-seq="{n}" data-base="{n - 1}" data-kind="push"></div>fixed'


async def trigger(scope: dict, receive, send) -> None:
    while (await receive()).get("more_body"):
        pass
    n = int(parse_qs(scope["query_string"].decode()).get("n", ["0"])[0])
    await get_channel_layer().group_send(GROUP, {"type": "relay.message", "text": relay_text(n)})
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@login_required
@require_POST
def django_trigger(request: HttpRequest) -> HttpResponse:
    n = int(request.GET.get("n", "0"))
    async_to_sync(get_channel_layer().group_send)(GROUP, {"type": "relay.message", "text": relay_text(n)})
    return HttpResponse(status=204)


# The project's middleware reverses the language switch's URL (notifications remember the language picked there).
urlpatterns = [path("send/", django_trigger), path("i18n/", include("django.conf.urls.i18n"))]
application = ProtocolTypeRouter(
    {"http": trigger, "websocket": URLRouter([path("ws/relay/", RelayConsumer.as_asgi())])}
)

settings.ROOT_URLCONF = __name__  # the project's middleware, this module's one view
django_application = ProtocolTypeRouter(
    {"http": get_asgi_application(), "websocket": URLRouter([path("ws/relay/", HopFreeRelayConsumer.as_asgi())])}
)
