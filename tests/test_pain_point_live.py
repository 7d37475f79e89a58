"""A pain point's state change reaches a second client over the board socket.

The socket is built on branch `sync`: until it is merged, this module is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from journeys.models import PainPoint
from tests.factories import make_owners_world

pytest.importorskip("live.consumers", reason="the board socket comes with branch `sync`")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_layer():
    channel_layers.backends = {}  # the in-memory layer is a process-wide singleton
    yield
    channel_layers.backends = {}


def in_own_loop(scenario: Callable[[], Awaitable[Any]]) -> Any:
    """Run on a fresh event loop in a thread: a browser test may have left Playwright's loop in this one."""

    def run() -> Any:
        try:
            return async_to_sync(scenario)()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_solving_a_pain_point_reaches_a_second_client_over_the_socket():
    from config.asgi import application

    world = make_owners_world()
    pain_point, journey = world["pain_point"], world["journey"]
    carla, watcher_http = logged_in(world["carla"]), logged_in(world["dirk"])
    cookie = f"sessionid={watcher_http.cookies['sessionid'].value}".encode()
    url = f"/j/{journey.pk}/pain-points/{pain_point.pk}/do/"

    async def scenario() -> list[str]:
        headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), (b"cookie", cookie)]
        watcher = WebsocketCommunicator(application, f"/ws/j/{journey.pk}/", headers=headers)
        connected, _code = await watcher.connect()
        assert connected
        await watcher.send_to(text_data=json.dumps({"type": "hello", "seq": journey.seq}))
        await sync_to_async(carla.post)(url + "pick_up/", {"base_version": 1})
        await sync_to_async(carla.post)(url + "solve/", {"resolution": "Status page added", "base_version": 2})
        frames = []
        while not any("Status page added" in frame for frame in frames):
            frames.append(await watcher.receive_from(timeout=5))
        await watcher.disconnect()
        return frames

    frames = in_own_loop(scenario)

    assert PainPoint.objects.get(pk=pain_point.pk).status == PainPoint.Status.SOLVED
    solved = next(frame for frame in frames if "Status page added" in frame)
    card = solved[solved.index(f'id="step-{world["step"].pk}"') :]
    assert "all-solved" in card[: card.index("</article>")]
    row = solved[solved.index(f'id="owner-row-{pain_point.pk}"') :]
    assert "status-solved" in row[: row.index(">")]
    assert "csrf" not in solved.lower()
