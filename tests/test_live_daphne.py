"""The board socket through the real daphne with the production flags (conftest.DAPHNE_WEBSOCKET_FLAGS)."""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest
import websockets
from django.test import Client

from live import close_codes, consumers
from tests.factories import make_department, make_journey, make_step, make_user
from tests.live_client import run_async

pytestmark = pytest.mark.slow


def board_socket(base_url: str, user, journey) -> tuple[str, list[tuple[str, str]]]:
    """The URL and headers of the journey's board socket, as the logged-in user's page opens it."""
    client = Client()
    client.force_login(user)
    headers = [("Cookie", f"sessionid={client.cookies['sessionid'].value}"), ("Origin", base_url)]
    return base_url.replace("http://", "ws://") + f"/ws/j/{journey.pk}/", headers


def test_whole_board_snapshot_larger_than_the_incoming_frame_cap_reaches_the_browser(live_daphne):
    customer = make_department("Customer")
    anna = make_user("anna", departments=[customer])
    journey = make_journey(facilitator=anna)
    for n in range(40):
        make_step(journey, f"Step {n}: the customer waits for an answer that does not come", customer)
    journey.refresh_from_db()
    url, headers = board_socket(live_daphne, anna, journey)

    async def scenario() -> str:
        async with websockets.connect(url, additional_headers=headers) as socket:
            await socket.send(json.dumps({"type": "hello", "seq": 0}))
            while 'data-kind="snapshot"' not in (message := await socket.recv()):
                pass
            return message

    snapshot = run_async(scenario)
    assert len(snapshot.encode()) > 16384
    assert f'data-seq="{journey.seq}"' in snapshot and "Step 39: the customer waits" in snapshot


def test_a_flood_of_catch_up_requests_is_closed_with_4029_by_daphne_not_with_an_error(live_daphne):
    anna = make_user("anna")
    journey = make_journey(facilitator=anna)
    url, headers = board_socket(live_daphne, anna, journey)

    async def scenario() -> int:
        async with websockets.connect(url, additional_headers=headers) as socket:
            for _n in range(5 + consumers.MAX_DEFERRED_REQUESTS + 1):  # the burst, then more than may wait
                await socket.send(json.dumps({"type": "resync", "seq": 0}))
            with contextlib.suppress(websockets.ConnectionClosed):
                async with asyncio.timeout(10):
                    while True:
                        await socket.recv()
            return socket.close_code

    assert run_async(scenario) == close_codes.TOO_MANY_FRAMES  # final for the page; 1011 would be retried
