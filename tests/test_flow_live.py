"""The flow view follows the board over the journey's socket: a colleague's change moves its figures, no reload."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.core.cache import cache

from journeys import services
from journeys.models import Journey
from journeys.services import RouteFigures
from tests.factories import link, make_department, make_journey, make_step, make_user
from tests.live_client import BoardClient, browser_of, find, parse, run_async, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_layer_and_cache():
    channel_layers.backends = {}
    cache.clear()
    yield
    channel_layers.backends = {}


@pytest.fixture
def moving():
    customer, contact = make_department("Customer"), make_department("Contact centre")
    anna, bob = make_user("anna"), make_user("bob")
    journey = make_journey(facilitator=anna, members=[bob], title="I am moving")
    form = make_step(journey, "Fills in the form", customer, duration_minutes=10)
    rekey = make_step(journey, "Re-keys the address", contact, duration_minutes=20)
    calls = make_step(journey, "Calls: did you get it?", customer, duration_minutes=10)
    done = make_step(journey, "Receives confirmation", customer)
    link(journey, form, rekey)
    link(journey, rekey, calls)
    back, onwards = link(journey, calls, rekey), link(journey, calls, done)
    return journey, anna, bob, calls, back, onwards


def flow_page(user, journey: Journey) -> str:
    return browser_of(user).get(f"/j/{journey.pk}/flow/").content.decode()


async def until_follow_up(client: BoardClient, seq: int) -> None:
    async with asyncio.timeout(5):
        while seq not in client.follow_ups:
            await client.handle(await client.receive_frame())


def test_a_colleagues_route_shares_move_the_open_flow_view_as_a_reload_would_show_them(moving):
    journey, anna, bob, calls, back, onwards = moving

    async def scenario():
        html = await sync_to_async(flow_page)(bob, journey)
        assert f'ws-connect="/ws/j/{journey.pk}/flow/"' in html
        seq = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
        watcher = BoardClient(journey.pk, await sync_to_async(session_cookie)(bob), last=seq, page=html, serves="flow")
        assert (await watcher.connect())[0]
        await watcher.greet()

        # A quarter of the customers call back: 4/3 contacts per question instead of 1.
        await sync_to_async(services.step_routes_update)(
            step=calls, actor=anna, routes=[RouteFigures(back.pk, 30, 25), RouteFigures(onwards.pk, 0, 75)]
        )
        seq = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
        await watcher.settle(seq)
        await until_follow_up(watcher, seq)

        shown = find(watcher.dom.children, "flow-body").html()
        assert "1.33" in shown and "Calls: did you get it?" in shown.split('id="flow-loop-table"')[1]
        reload = find(parse(await sync_to_async(flow_page)(bob, journey)), "flow-body").html()
        assert shown == reload.replace(' hx-swap-oob="morph"', "")
        await watcher.disconnect()

    run_async(scenario)


def test_the_board_pages_get_no_flow_view_and_the_flow_view_no_board_map(moving):
    journey, anna, bob, calls, back, onwards = moving

    async def scenario():
        seq = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
        cookie = await sync_to_async(session_cookie)(bob)
        board = BoardClient(journey.pk, cookie, last=seq)
        flow = BoardClient(journey.pk, cookie, last=seq, serves="flow")
        for client in (board, flow):
            assert (await client.connect())[0]
        await sync_to_async(services.step_routes_update)(step=calls, actor=anna, routes=[RouteFigures(back.pk, 30, 10)])
        seq += 1
        frames = {}
        for name, client in (("board", board), ("flow", flow)):
            async with asyncio.timeout(5):
                while seq not in client.follow_ups:
                    message = await client.receive_frame()
                    frames[name] = frames.get(name, "") + message
                    await client.handle(message)
        assert 'id="flow-body"' in frames["flow"] and 'id="board-map"' not in frames["flow"]
        assert 'id="flow-body"' not in frames["board"] and 'id="insights-panel"' in frames["board"]
        for client in (board, flow):
            await client.disconnect()

    run_async(scenario)
