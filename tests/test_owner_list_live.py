"""The owners' list socket: which changes ring whose list, the marker that makes a list converge, and refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from journeys import services, undo
from journeys.models import Event
from painpoints import selectors as pain_point_selectors
from painpoints import services as lifecycle
from painpoints.consumers import OwnerListConsumer
from tests.factories import make_department, make_manager, make_owners_world, make_pain_point, make_user
from tests.live_client import run_async

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


async def open_list(user: Any) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """An owners' list socket for `user`, with the marker it sends once it listens."""
    socket = WebsocketCommunicator(OwnerListConsumer.as_asgi(), "/ws/pain-points/")
    socket.scope["user"] = user
    connected, _code = await socket.connect()
    assert connected
    return socket, json.loads(await socket.receive_from(timeout=5))


async def rung(socket: WebsocketCommunicator) -> bool:
    """Whether a doorbell arrives within a second (heartbeat markers are skipped). receive_nothing waits without
    cancelling the consumer, as a timed-out receive_from would."""
    while not await socket.receive_nothing(timeout=1):
        if "doorbell" in json.loads(await socket.receive_from()):
            return True
    return False


@pytest.fixture
def world() -> dict[str, Any]:
    return make_owners_world()


def test_tagging_and_solving_ring_the_owners_list_but_not_another_departments(world):
    step, it = world["step"], world["it"]

    async def scenario() -> tuple[bool, bool, bool, bool]:
        carla, _marker = await open_list(world["carla"])  # IT
        dirk, _marker = await open_list(world["dirk"])  # Finance, on the same journey
        tagged = await database_sync_to_async(make_pain_point)(step, [it], "Status not visible to the agent")
        after_tag = (await rung(carla), await rung(dirk))
        await database_sync_to_async(lifecycle.pain_point_solve)(
            pain_point=tagged, actor=world["ivo"], resolution="Shown now", base_version=None
        )
        after_solve = (await rung(carla), await rung(dirk))
        for socket in (carla, dirk):
            await socket.disconnect()
        return (*after_tag, *after_solve)

    carla_tagged, dirk_tagged, carla_solved, dirk_solved = run_async(scenario)

    assert (carla_tagged, carla_solved) == (True, True)
    assert (dirk_tagged, dirk_solved) == (False, False)


def test_a_re_tag_that_removes_a_department_rings_that_department_too(world):
    pain_point = world["pain_point"]  # IT only

    async def scenario() -> tuple[bool, bool]:
        carla, _marker = await open_list(world["carla"])
        dirk, _marker = await open_list(world["dirk"])
        await database_sync_to_async(services.pain_point_update)(
            pain_point=pain_point,
            actor=world["anna"],
            base_version=None,
            text=pain_point.text,
            severity="high",
            departments=[world["finance"]],
        )
        rings = (await rung(carla), await rung(dirk))
        for socket in (carla, dirk):
            await socket.disconnect()
        return rings

    assert run_async(scenario) == (True, True)  # IT loses it, Finance gains it


def test_departments_concerned_include_those_before_a_deletion_and_none_for_a_plain_move(world):
    step = world["step"]
    services.step_move(step=step, actor=world["anna"], base_version=None, department=world["finance"])
    assert pain_point_selectors.departments_concerned(Event.objects.latest("pk")) == set()

    services.step_delete(step=step, actor=world["anna"], base_version=None)

    assert pain_point_selectors.departments_concerned(Event.objects.latest("pk")) == {world["it"].pk}


def test_undoing_a_tag_concerns_the_department_it_was_tagged_with(world):
    make_pain_point(world["step"], [world["finance"]], "Direct debit a month late", actor=world["dirk"])

    undone = undo.change_undo(journey=world["journey"], actor=world["dirk"])

    assert world["finance"].pk in pain_point_selectors.departments_concerned(undone)


def test_a_manager_s_list_is_rung_for_every_department(world):
    manager = make_manager()
    elsewhere = make_department("Elsewhere")

    async def scenario() -> bool:
        socket, _marker = await open_list(manager)
        await database_sync_to_async(make_pain_point)(world["step"], [elsewhere], "Nobody owns the letters")
        got = await rung(socket)
        await socket.disconnect()
        return got

    assert run_async(scenario) is True


def test_the_marker_sent_on_connect_is_the_page_s_and_moves_with_a_change(world, client):
    client.force_login(world["carla"])
    page = client.get("/pain-points/").content.decode()

    async def scenario() -> tuple[str, str]:
        socket, first = await open_list(world["carla"])
        await socket.disconnect()
        await database_sync_to_async(lifecycle.pain_point_comment)(
            pain_point=world["pain_point"], actor=world["dirk"], text="Still happening"
        )
        socket, second = await open_list(world["carla"])
        await socket.disconnect()
        return first["marker"], second["marker"]

    first, second = run_async(scenario)

    assert f'data-marker="{first}"' in page
    assert second != first


def test_the_heartbeat_follows_a_department_joined_while_the_list_is_open(world, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 0.2
    newcomer = make_user("newcomer")  # in no department yet

    async def scenario() -> tuple[str, str, bool]:
        socket, first = await open_list(newcomer)
        await database_sync_to_async(world["it"].members.add)(newcomer)
        beat = json.loads(await socket.receive_from(timeout=5))
        await database_sync_to_async(make_pain_point)(world["step"], [world["it"]], "Callback not kept")
        got = await rung(socket)
        await socket.disconnect()
        return first["marker"], beat["marker"], got

    before, after, got = run_async(scenario)

    assert before != after  # a department joined changes what the list shows
    assert got is True


def test_a_socket_without_a_logged_in_user_is_accepted_then_closed_with_4403():
    async def scenario() -> dict[str, Any]:
        socket = WebsocketCommunicator(OwnerListConsumer.as_asgi(), "/ws/pain-points/")
        socket.scope["user"] = AnonymousUser()
        connected, _code = await socket.connect()
        assert connected
        closing = await socket.receive_output(timeout=2)
        await socket.disconnect()
        return closing

    assert run_async(scenario) == {"type": "websocket.close", "code": 4403}


def test_the_routed_socket_checks_the_origin_and_refuses_a_visitor_without_a_session():
    from config.asgi import application

    async def scenario() -> tuple[dict[str, Any], bool]:
        own_page = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
        visitor = WebsocketCommunicator(application, "/ws/pain-points/", headers=own_page)
        connected, _code = await visitor.connect()
        assert connected
        closing = await visitor.receive_output(timeout=2)
        await visitor.disconnect()
        foreign = WebsocketCommunicator(application, "/ws/pain-points/", headers=[(b"origin", b"https://evil.test")])
        foreign_connected, _code = await foreign.connect()
        await foreign.disconnect()
        return closing, foreign_connected

    closing, foreign_connected = run_async(scenario)

    assert closing == {"type": "websocket.close", "code": 4403}
    assert foreign_connected is False


def test_the_list_marker_stays_on_a_timer_tick_or_a_card_focus(world):
    from workshops import services as workshop

    journey, carla = world["journey"], world["carla"]
    before = pain_point_selectors.owner_list_marker(carla)

    workshop.timer_start(journey=journey, actor=world["anna"], duration_seconds=60)
    workshop.focus_set(journey=journey, actor=world["anna"], step=world["step"])
    assert pain_point_selectors.owner_list_marker(carla) == before

    lifecycle.pain_point_pick_up(pain_point=world["pain_point"], actor=world["ivo"], base_version=None)
    assert pain_point_selectors.owner_list_marker(carla) != before
