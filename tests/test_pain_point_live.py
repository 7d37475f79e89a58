"""A pain point's state change reaches a second client over the board socket."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from journeys.models import PainPoint
from tests.factories import make_owners_world
from tests.live_client import run_async

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


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

    async def scenario() -> tuple[list[str], list[str]]:
        headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), (b"cookie", cookie)]
        board = WebsocketCommunicator(application, f"/ws/j/{journey.pk}/", headers=headers)
        page = WebsocketCommunicator(application, f"/ws/j/{journey.pk}/pain-point/", headers=headers)
        for watcher in (board, page):
            connected, _code = await watcher.connect()
            assert connected
            await watcher.send_to(text_data=json.dumps({"type": "hello", "seq": journey.seq}))
        await sync_to_async(carla.post)(url + "pick_up/", {"base_version": 1})
        await sync_to_async(carla.post)(url + "solve/", {"resolution": "Status page added", "base_version": 2})
        seen: tuple[list[str], list[str]] = ([], [])
        for watcher, frames, solved in ((board, seen[0], "all-solved"), (page, seen[1], "Status page added")):
            while not any(solved in frame for frame in frames):
                frames.append(await watcher.receive_from(timeout=5))
            await watcher.disconnect()
        return seen

    on_board, on_page = run_async(scenario)

    assert PainPoint.objects.get(pk=pain_point.pk).status == PainPoint.Status.SOLVED
    solved = next(frame for frame in on_board if "all-solved" in frame)
    card = solved[solved.index(f'id="step-{world["step"].pk}"') :]
    assert "all-solved" in card[: card.index("</article>")]
    solved = next(frame for frame in on_page if "Status page added" in frame)
    row = solved[solved.index(f'id="owner-row-{pain_point.pk}"') :]
    assert "status-solved" in row[: row.index(">")]
    assert "csrf" not in "".join(on_board + on_page).lower()
