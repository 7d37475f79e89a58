"""The board socket through the real daphne with the production flags (conftest.DAPHNE_WEBSOCKET_FLAGS)."""

from __future__ import annotations

import json

import pytest
import websockets
from django.test import Client

from tests.factories import make_department, make_journey, make_step, make_user
from tests.live_client import run_async

pytestmark = pytest.mark.slow


def test_whole_board_snapshot_larger_than_the_incoming_frame_cap_reaches_the_browser(live_daphne):
    customer = make_department("Customer")
    anna = make_user("anna", departments=[customer])
    journey = make_journey(facilitator=anna)
    for n in range(40):
        make_step(journey, f"Step {n}: the customer waits for an answer that does not come", customer)
    journey.refresh_from_db()
    client = Client()
    client.force_login(anna)
    headers = [("Cookie", f"sessionid={client.cookies['sessionid'].value}"), ("Origin", live_daphne)]
    url = live_daphne.replace("http://", "ws://") + f"/ws/j/{journey.pk}/"

    async def scenario() -> str:
        async with websockets.connect(url, additional_headers=headers) as socket:
            await socket.send(json.dumps({"type": "hello", "seq": 0}))
            while 'data-kind="snapshot"' not in (message := await socket.recv()):
                pass
            return message

    snapshot = run_async(scenario)
    assert len(snapshot.encode()) > 16384
    assert f'data-seq="{journey.seq}"' in snapshot and "Step 39: the customer waits" in snapshot
