"""The versions pages follow every version of their process: a change to the current or the future map rings the
open versions list and comparisons (a doorbell), whose bodies then refetch; the marker lets a page that missed the
doorbell converge; a change elsewhere rings nothing, and a stranger's socket is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from config.routing import websocket_urlpatterns
from journeys import services
from journeys.models import Step
from live.close_codes import NOT_ALLOWED
from tests.factories import make_journey, make_step, make_user
from tests.live_client import run_async
from tests.test_owner_list_live import rung
from versions import selectors
from versions import services as versions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


@pytest.fixture
def process() -> dict[str, Any]:
    anna, bram = make_user("anna"), make_user("bram")
    journey = make_journey(facilitator=anna, members=[bram], title="I am moving")
    make_step(journey, "Fills in the web form")
    make_step(journey, "Re-keys the address")
    future = versions.version_start(journey=journey, name="As it should be", actor=anna)
    return {"journey": journey, "future": future, "anna": anna, "bram": bram}


async def open_versions(journey_id: int, user: Any) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/versions/{journey_id}/")
    socket.scope["user"] = user
    connected, _code = await socket.connect()
    assert connected
    return socket, json.loads(await socket.receive_from(timeout=5))


def test_a_change_to_either_map_rings_the_open_comparison_and_the_marker_moves(process):
    journey, future, anna = process["journey"], process["future"], process["anna"]
    elsewhere = make_journey(facilitator=anna, title="Another process")

    async def scenario() -> tuple:
        socket, first = await open_versions(journey.pk, process["bram"])
        step = await database_sync_to_async(Step.objects.get)(journey=future, title="Re-keys the address")
        await database_sync_to_async(services.step_update)(
            step=step, actor=anna, base_version=None, title="The form fills in the policy system"
        )
        after_future = await rung(socket)
        await database_sync_to_async(make_step)(journey, "Calls: did you get my change?", actor=anna)
        after_current = await rung(socket)
        await database_sync_to_async(make_step)(elsewhere, "Unrelated", actor=anna)
        after_elsewhere = await rung(socket)
        await socket.disconnect()
        return first["marker"], after_future, after_current, after_elsewhere

    first_marker, after_future, after_current, after_elsewhere = run_async(scenario)
    assert (after_future, after_current, after_elsewhere) == (True, True, False)
    assert first_marker != selectors.family_marker(journey.pk) == selectors.family_marker(future.pk)


def test_starting_the_first_future_state_rings_the_versions_list_of_a_journey_without_versions(process):
    anna = process["anna"]
    fresh = make_journey(facilitator=anna, title="Claims")

    async def scenario() -> bool:
        socket, _marker = await open_versions(fresh.pk, anna)
        await database_sync_to_async(versions.version_start)(journey=fresh, name="To be", actor=anna)
        heard = await rung(socket)
        await socket.disconnect()
        return heard

    assert run_async(scenario)


def test_a_stranger_s_versions_socket_is_closed(process):
    async def scenario() -> int:
        socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/versions/{process['journey'].pk}/")
        socket.scope["user"] = await database_sync_to_async(make_user)("stranger")
        connected, _code = await socket.connect()
        assert connected  # accepted, then closed: a refused handshake would be retried forever
        closed = await socket.receive_output(timeout=5)
        await socket.wait()
        return closed["code"]

    assert run_async(scenario) == NOT_ALLOWED


def test_the_refetched_comparison_shows_the_changed_future_and_the_marker_it_was_rendered_under(process):
    journey, future, anna = process["journey"], process["future"], process["anna"]
    client = Client()
    client.force_login(process["bram"])
    url = reverse("version_compare", args=[journey.pk, future.pk])
    page = client.get(url).content.decode()
    assert 'data-socket-kind="doorbell"' in page and f'ws-connect="/ws/versions/{journey.pk}/"' in page
    assert 'data-marker-of="#compare-body"' in page

    make_step(future, "Sees the status online", actor=anna)
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert body.startswith('<div id="compare-body"') and "<html" not in body
    assert f'data-marker="{selectors.family_marker(journey.pk)}"' in body
    added = body[body.index('class="diff-list added"') :]
    assert "Sees the status online" in added[: added.index("</ul>")]
    listing = client.get(reverse("journey_versions", args=[journey.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert listing.startswith('<div id="versions-body"') and "As it should be" in listing
