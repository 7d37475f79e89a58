"""The bell's socket: it rings when a notification is made for its person (only theirs), its heartbeat marker moves
with the unread count, and a visitor without a session is closed with 4403."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from notifications import services
from notifications.consumers import BellConsumer
from notifications.models import Kind, Notification
from tests.factories import make_user
from tests.live_client import run_async

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


async def open_bell(user: Any) -> tuple[WebsocketCommunicator, str]:
    socket = WebsocketCommunicator(BellConsumer.as_asgi(), "/ws/notifications/")
    socket.scope["user"] = user
    connected, _code = await socket.connect()
    assert connected
    return socket, json.loads(await socket.receive_from(timeout=5))["marker"]


async def rung(socket: WebsocketCommunicator) -> bool:
    while not await socket.receive_nothing(timeout=1):
        if "doorbell" in json.loads(await socket.receive_from()):
            return True
    return False


def notify(user: Any) -> None:
    services.notifications_create(drafts=[services.Draft(recipient_id=user.pk, kind=Kind.MENTIONED, text="@ivo look")])


def test_a_notification_rings_its_persons_bell_and_nobody_elses():
    ivo, dirk = make_user("ivo"), make_user("dirk")

    async def scenario() -> tuple[str, bool, bool, str]:
        ivo_bell, before = await open_bell(ivo)
        dirk_bell, _marker = await open_bell(dirk)
        await database_sync_to_async(notify)(ivo)
        result = (before, await rung(ivo_bell), await rung(dirk_bell))
        await ivo_bell.disconnect()
        await dirk_bell.disconnect()
        return result

    before, ivo_rung, dirk_rung = run_async(scenario)
    assert before == "0:0"
    assert ivo_rung and not dirk_rung


def test_the_heartbeat_marker_moves_with_a_notification_made_elsewhere_and_with_reading(settings):
    settings.BOARD_HEARTBEAT_SECONDS = 0.2
    ivo = make_user("ivo")
    notify(ivo)  # before the socket opened: e.g. by a management command in another process
    latest = Notification.objects.get().pk

    async def scenario() -> tuple[str, str]:
        bell, first = await open_bell(ivo)
        await database_sync_to_async(services.notifications_mark_all_read)(reader=ivo)
        marker = first
        for _ in range(20):
            message = json.loads(await bell.receive_from(timeout=5))
            if message.get("marker", first) != first:
                marker = message["marker"]
                break
        await bell.disconnect()
        return first, marker

    first, after_reading = run_async(scenario)
    assert (first, after_reading) == (f"1:{latest}", f"0:{latest}")


def test_a_socket_without_a_logged_in_user_is_closed_with_4403():
    async def scenario() -> dict[str, Any]:
        socket = WebsocketCommunicator(BellConsumer.as_asgi(), "/ws/notifications/")
        socket.scope["user"] = AnonymousUser()
        await socket.connect()
        return await socket.receive_output(timeout=5)

    assert run_async(scenario) == {"type": "websocket.close", "code": 4403}
