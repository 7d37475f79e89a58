"""The board socket: ordered pushes, idempotent and stale edits, catch-up after gaps and drops, refusals, limits."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from boards.rendering import render_map
from journeys.models import Event, Journey, Step
from live import broadcast, consumers
from live.models import BoardPresence
from tests.factories import make_department, make_journey, make_step, make_user
from tests.live_client import ORIGIN, BoardClient, board_html, parse, run_async, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_layer_and_cache():
    channel_layers.backends = {}
    cache.clear()
    yield
    channel_layers.backends = {}


@pytest.fixture
def workshop():
    customer = make_department("Customer", "#1f77b4")
    contact = make_department("Contact centre", "#ff7f0e")
    anna = make_user("anna", first_name="Anna", departments=[customer])
    bram = make_user("bram", first_name="Bram", departments=[contact])
    journey = make_journey(facilitator=anna, members=[bram])
    return journey, anna, bram, customer


def page(journey: Journey) -> str:
    journey.refresh_from_db()
    return f'<div id="board-seq" data-seq="{journey.seq}" hidden></div>' + render_map(journey, oob=False)


def fresh_board(journey: Journey) -> str:
    return board_html(parse(page(journey)))


def browser_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def open_client(journey: Journey, user, *, last: int | None = None) -> BoardClient:
    html = await sync_to_async(page)(journey)
    start = journey.seq if last is None else last
    client = BoardClient(journey.pk, await sync_to_async(session_cookie)(user), last=start, page=html)
    connected, _code = await client.connect()
    assert connected
    await client.greet()
    return client


async def add_step(http: Client, journey: Journey, title: str, department=None, op_id: str = ""):
    data = {"title": title, "department": department.pk if department else "", "op_id": op_id}
    return await sync_to_async(http.post)(f"/j/{journey.pk}/steps/add/", data)


def run(scenario):
    return run_async(scenario)


def test_pushes_arrive_in_order_and_every_client_shows_the_fresh_board(workshop):
    journey, anna, bram, customer = workshop

    async def scenario():
        watchers = [await open_client(journey, anna), await open_client(journey, bram)]
        http = browser_of(anna)
        for n in range(5):
            response = await add_step(http, journey, f"Step {n}", customer)
            assert response.status_code == 200
        final = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
        for watcher in watchers:
            await watcher.settle(final)
            pushes = [seq for kind, _base, seq in watcher.applied if kind == "push"]
            assert pushes == list(range(final - 4, final + 1)), watcher.applied
            assert watcher.resyncs == 0
        board = await sync_to_async(fresh_board)(journey)
        assert all(watcher.board() == board for watcher in watchers)
        assert "Step 4" in board
        for watcher in watchers:
            await watcher.disconnect()

    run(scenario)


def test_the_insights_panel_follows_each_push_in_a_frame_of_its_own(workshop):
    journey, anna, bram, customer = workshop

    async def scenario():
        watcher = await open_client(journey, bram)
        response = await add_step(browser_of(anna), journey, "Customer fills in the web form", customer)
        seq = int(response["X-Journey-Event-Seq"])
        push = await watcher.receive_frame()
        follow_up = await watcher.receive_frame()
        assert f'data-seq="{seq}" data-base="{seq - 1}" data-kind="push"' in push
        assert 'id="insights-panel"' not in push  # the edit shows without waiting for the whole-board analysis
        assert f'data-seq="{seq}" data-base="{seq}" data-kind="followup"' in follow_up
        assert 'id="insights-panel" class="insights-panel"' in follow_up and f'data-seq="{seq}"' in follow_up
        assert await watcher.handle(push) == "applied" and await watcher.handle(follow_up) == "followup"
        assert await watcher.handle(follow_up.replace(f'data-seq="{seq}"', f'data-seq="{seq - 1}"', 1)) == "dropped"
        # Whoever made the change gets it all in the answer, even without a socket.
        assert 'id="insights-panel"' in response.content.decode()
        await watcher.disconnect()

    run(scenario)


def test_retried_post_with_the_same_operation_id_is_applied_and_pushed_once(workshop):
    journey, anna, bram, customer = workshop

    async def scenario():
        watcher = await open_client(journey, bram)
        http = browser_of(anna)
        first = await add_step(http, journey, "Agent re-keys the address", customer, op_id="op-retry-1")
        again = await add_step(http, journey, "Agent re-keys the address", customer, op_id="op-retry-1")
        assert first.status_code == again.status_code == 200
        assert first.content == again.content
        seq = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
        await watcher.settle(seq)
        assert await sync_to_async(Step.objects.filter(journey=journey, title="Agent re-keys the address").count)() == 1
        await add_step(http, journey, "Finance adjusts the direct debit", customer)
        await watcher.settle(seq + 1)
        assert [seq for kind, _b, seq in watcher.applied if kind == "push"] == [seq, seq + 1]
        assert await watcher.sequenced_within(0.5) == []
        await watcher.disconnect()

    run(scenario)


def test_stale_edit_gets_409_with_both_values_and_pushes_nothing(workshop):
    journey, anna, bram, customer = workshop
    step = make_step(journey, "Customer fills in the web form", customer)

    async def scenario():
        watcher = await open_client(journey, bram)
        url = f"/j/{journey.pk}/steps/{step.pk}/edit/"
        submit = {"title": "Customer submits the form", "base_version": 1}
        fresh = await sync_to_async(browser_of(anna).post)(url, submit)
        assert fresh.status_code == 200
        await watcher.settle(journey.seq + 1)
        stale = await sync_to_async(browser_of(bram).post)(url, {"title": "Customer posts a letter", "base_version": 1})
        assert stale.status_code == 409
        assert "Customer submits the form" in stale.text and "Customer posts a letter" in stale.text
        assert await watcher.sequenced_within(0.5) == []
        assert "Customer posts a letter" not in watcher.board()
        await watcher.disconnect()

    run(scenario)


def test_reconnecting_client_catches_up_with_the_changes_it_missed(workshop):
    journey, anna, bram, customer = workshop
    make_step(journey, "Customer looks for the moving page", customer)

    async def scenario():
        behind = await sync_to_async(page)(journey)
        last = journey.seq
        http = browser_of(anna)
        await add_step(http, journey, "Form lands in a shared mailbox", customer)
        step = await sync_to_async(Step.objects.get)(title="Customer looks for the moving page")
        edit = f"/j/{journey.pk}/steps/{step.pk}/edit/"
        await sync_to_async(http.post)(edit, {"title": "Customer searches the site", "base_version": 1})
        client = BoardClient(journey.pk, await sync_to_async(session_cookie)(bram), last=last, page=behind)
        assert (await client.connect())[0]
        await client.greet()
        seq = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
        assert client.applied == [("catchup", last, seq)]
        assert client.board() == await sync_to_async(fresh_board)(journey)
        assert "Customer searches the site" in client.board()
        await client.disconnect()

    run(scenario)


def test_client_far_behind_gets_one_cached_snapshot(workshop, django_assert_max_num_queries):
    journey, anna, bram, customer = workshop
    for n in range(broadcast.CATCHUP_MAX_EVENTS + 5):
        make_step(journey, f"Step {n}", customer)
    journey.refresh_from_db()
    first = broadcast.catch_up(journey_id=journey.pk, since=1, language="en")
    assert first.startswith(f'<div id="board-seq" hx-swap-oob="morph" data-seq="{journey.seq}" data-base="0"')
    assert 'data-kind="snapshot"' in first and 'id="board-map"' in first
    with django_assert_max_num_queries(1):  # only the seq: 50 reconnects do not render the board 50 times
        assert broadcast.catch_up(journey_id=journey.pk, since=2, language="en") == first


def test_dropped_pushes_are_caught_up_and_every_client_converges(workshop, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "tests.lossy_layer.LossyInMemoryChannelLayer"}}
    settings.BOARD_HEARTBEAT_SECONDS = 1
    journey, anna, bram, customer = workshop
    carla = make_user("carla", first_name="Carla")
    journey.memberships.create(user=carla)

    async def scenario():
        watchers = [await open_client(journey, user) for user in (anna, bram, carla)]
        http = browser_of(anna)
        for n in range(9):
            await add_step(http, journey, f"Step {n}", customer)
        final = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
        for watcher in watchers:
            # The last push is dropped too (every third): only the heartbeat can reveal that gap.
            await watcher.settle(final, timeout=8)
        assert get_channel_layer().dropped == 9
        board = await sync_to_async(fresh_board)(journey)
        for watcher in watchers:
            assert watcher.resyncs >= 1
            assert watcher.board() == board
            assert "Step 8" in board
            await watcher.disconnect()

    run(scenario)


def test_non_member_socket_is_accepted_then_closed_with_4403(workshop):
    journey, *_ = workshop
    stranger = make_user("stranger")

    async def scenario():
        client = BoardClient(journey.pk, await sync_to_async(session_cookie)(stranger), last=0)
        connected, _code = await client.connect()
        assert connected  # accepted, so the browser does not retry a refused handshake forever
        assert (await client.socket.receive_output(timeout=2)) == {"type": "websocket.close", "code": 4403}
        anonymous = BoardClient(journey.pk, b"sessionid=nothing", last=0)
        assert (await anonymous.connect())[0]
        assert (await anonymous.socket.receive_output(timeout=2))["code"] == 4403
        assert not await sync_to_async(BoardPresence.objects.exists)()

    run(scenario)


def test_oversized_frame_closes_the_socket_with_1009(workshop, settings):
    journey, anna, *_ = workshop

    async def scenario():
        client = await open_client(journey, anna)
        await client.socket.send_to(text_data='{"type": "hello", "seq": 0, "pad": "' + "x" * 4096 + '"}')
        output = await client.socket.receive_output(timeout=2)
        while output["type"] == "websocket.send":  # a presence frame may come first
            output = await client.socket.receive_output(timeout=2)
        assert output == {"type": "websocket.close", "code": 1009}

    run(scenario)


def test_hello_is_rate_limited_per_connection(workshop):
    journey, anna, *_ = workshop

    async def scenario():
        client = await open_client(journey, anna)  # spent one hello
        for _n in range(10):
            await client.hello()
        replies = await client.sequenced_within(0.5)
        assert len([r for r in replies if 'data-kind="catchup"' in r]) == 4
        await client.disconnect()

    run(scenario)


def test_a_catch_up_asked_for_past_the_budget_is_answered_when_the_budget_allows_never_ignored(workshop):
    journey, anna, *_ = workshop

    async def scenario():
        client = await open_client(journey, anna)  # spent one hello
        for _n in range(10):
            await client.hello()
        answers = [r for r in await client.sequenced_within(0.5) if 'data-kind="catchup"' in r]
        assert len(answers) == 4  # the rest of the burst
        later = [r for r in await client.sequenced_within(3) if 'data-kind="catchup"' in r]
        assert len(later) == 1  # one answer for the six asked past the budget
        await client.disconnect()

    run(scenario)


def test_a_socket_that_floods_catch_up_requests_is_closed(workshop):
    journey, anna, *_ = workshop

    async def scenario():
        client = await open_client(journey, anna)
        for _n in range(5 + consumers.MAX_DEFERRED_REQUESTS + 1):
            await client.hello()
        while (message := await client.socket.receive_output(timeout=3))["type"] != "websocket.close":
            pass
        assert message["code"] == consumers.POLICY_VIOLATION

    run(scenario)


def test_each_page_gets_only_what_it_shows_and_a_frame_for_every_change(workshop):
    journey, anna, bram, customer = workshop
    make_step(journey, "Customer looks for the moving page", customer)
    journey.refresh_from_db()

    async def scenario():
        cookie = await sync_to_async(session_cookie)(bram)
        mirror = BoardClient(journey.pk, cookie, last=0, serves="mirror")
        assert (await mirror.connect())[0]
        await mirror.hello()  # from scratch: the whole page
        snapshot = await mirror.receive_frame()
        await add_step(browser_of(anna), journey, "Form lands in a shared mailbox", customer)
        push = (await mirror.sequenced_within(0.5))[0]
        await mirror.disconnect()
        return snapshot, push

    snapshot, push = run(scenario)

    assert 'data-kind="snapshot"' in snapshot and 'id="mirror-results"' in snapshot
    assert 'id="board-map"' not in snapshot and 'id="step-' not in snapshot  # a phone on the mirror page
    assert f'data-seq="{journey.seq + 1}"' in push and 'data-kind="push"' in push
    assert "board-map" not in push and 'data-live-event="mirror-steps-changed"' in push


def test_junk_messages_get_no_answer(workshop):
    journey, anna, *_ = workshop

    async def scenario():
        client = await open_client(journey, anna)
        for junk in ("not json", '{"type": "hello", "seq": -1}', '{"type": "delete_everything"}', "[1]"):
            await client.socket.send_to(text_data=junk)
        assert await client.sequenced_within(0.5) == []
        await client.disconnect()

    run(scenario)


def test_socket_from_a_foreign_origin_is_refused(workshop):
    journey, anna, *_ = workshop

    async def scenario():
        client = BoardClient(journey.pk, await sync_to_async(session_cookie)(anna), last=0)
        client.socket.scope["headers"] = [
            (b"origin", b"https://evil.example") if name == ORIGIN[0] else (name, value)
            for name, value in client.socket.scope["headers"]
        ]
        connected, _code = await client.connect()
        assert not connected

    run(scenario)


def test_broad_allowed_hosts_need_explicit_websocket_origins(settings):
    from config.routing import origin_checked

    settings.ALLOWED_HOSTS = ["*"]
    settings.WEBSOCKET_ALLOWED_ORIGINS = []
    with pytest.raises(ImproperlyConfigured, match="WEBSOCKET_ALLOWED_ORIGINS"):
        origin_checked(lambda scope, receive, send: None)
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://board.example.org"]
    assert origin_checked(lambda scope, receive, send: None).allowed_origins == ["https://board.example.org"]


def test_presence_shows_who_is_here_and_drops_them_on_disconnect(workshop):
    journey, anna, bram, _customer = workshop

    async def scenario():
        first = await open_client(journey, anna)
        second = await open_client(journey, bram)

        async def presence_frame(client):
            while True:
                message = await client.receive_frame()
                if 'id="presence-list"' in message:
                    return message

        both = await presence_frame(first)
        while "Bram" not in both:
            both = await presence_frame(first)
        assert "Anna" in both and "#ff7f0e" in both  # Bram's department colour
        await second.disconnect()
        alone = await presence_frame(first)
        assert "Anna" in alone and "Bram" not in alone
        await first.disconnect()
        assert not await sync_to_async(BoardPresence.objects.exists)()

    run(scenario)


def test_pushes_skip_close_old_connections_but_hellos_do_not(workshop, monkeypatch):
    journey, anna, _bram, customer = workshop
    import channels
    import channels.consumer

    assert channels.__version__ == "4.3.2"  # dispatch() override below relies on 4.3's per-message hop
    calls = []
    real = channels.consumer.aclose_old_connections

    async def counting():
        calls.append(1)
        await real()

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counting)

    async def scenario():
        watcher = await open_client(journey, anna)
        assert calls  # the connect and the hello went through Channels' dispatch
        calls.clear()
        await add_step(browser_of(anna), journey, "Customer calls again", customer)
        await watcher.settle(journey.seq + 1)
        assert calls == []
        await watcher.disconnect()

    run(scenario)


def test_every_event_is_pushed_with_its_own_seq_and_actor(workshop):
    journey, anna, bram, customer = workshop
    frames = {}

    async def scenario():
        watcher = await open_client(journey, anna)
        await add_step(browser_of(bram), journey, "Agent checks identity", customer)
        frames["push"] = (await watcher.sequenced_within(0.5))[0]
        await watcher.disconnect()

    run(scenario)
    event = Event.objects.get(journey=journey, kind="step.created")
    assert frames["push"].startswith(
        f'<div id="board-seq" hx-swap-oob="morph" data-seq="{event.seq}" data-base="{event.seq - 1}" data-kind="push"'
        f' data-actor="{bram.pk}" data-summary="Bram changed a step"'
    )
    assert consumers.requested_seq('{"type": "hello", "seq": true}') is None


def test_presence_rows_of_a_killed_process_are_pruned_by_the_next_heartbeat(workshop, settings):
    from datetime import timedelta

    from django.utils import timezone

    from live import presence

    settings.BOARD_HEARTBEAT_SECONDS = 1
    journey, anna, bram, _customer = workshop
    presence.arrive(journey_id=journey.pk, user=anna, channel_name="alive")
    presence.arrive(journey_id=journey.pk, user=bram, channel_name="killed-process")
    BoardPresence.objects.filter(channel_name="killed-process").update(seen_at=timezone.now() - timedelta(seconds=10))
    assert [person.name for person in presence.people_here(journey.pk)] == ["Anna"]
    presence._pruned_at.pop(journey.pk, None)  # journey ids repeat between tests
    seq, pruned = presence.heartbeat(journey_id=journey.pk, user=anna, channel_name="alive")
    assert (seq, pruned) == (journey.seq, True)
    assert list(BoardPresence.objects.values_list("channel_name", flat=True)) == ["alive"]


def test_non_member_is_not_recorded_as_present(workshop):
    journey, *_ = workshop
    stranger = make_user("stranger")
    from live import presence

    assert presence.arrive(journey_id=journey.pk, user=stranger, channel_name="x") is False
    assert not BoardPresence.objects.exists()


def test_pushes_are_rendered_per_language_watching_and_reach_every_language(workshop):
    journey, anna, bram, customer = workshop

    async def scenario():
        english = await open_client(journey, anna)
        dutch = BoardClient(journey.pk, await sync_to_async(session_cookie)(bram), last=journey.seq, language="nl")
        assert (await dutch.connect())[0]
        await dutch.greet()
        from live import presence

        assert await sync_to_async(presence.languages_here)(journey.pk) == ["en", "nl"]
        await add_step(browser_of(anna), journey, "Klant vult het formulier in", customer)
        for client in (english, dutch):
            await client.settle(journey.seq + 1)
            assert client.applied[-1] == ("push", journey.seq, journey.seq + 1)
            await client.disconnect()
        assert await sync_to_async(presence.languages_here)(journey.pk) == []

    run(scenario)


def test_heartbeat_carries_the_seq_and_refreshes_group_membership(workshop, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 1
    journey, anna, *_ = workshop

    async def scenario():
        client = await open_client(journey, anna)
        group = get_channel_layer().groups[broadcast.group_name(journey.pk, "en")]
        joined_at = list(group.values())[0]
        async with asyncio.timeout(3):
            while 'data-kind="heartbeat"' not in (message := await client.receive_frame()):
                pass
        assert f'data-seq="{journey.seq}"' in message
        await asyncio.sleep(0.1)
        assert list(group.values())[0] > joined_at
        await client.disconnect()

    run(scenario)


def test_socket_of_someone_removed_from_the_journey_is_closed_at_the_next_heartbeat(workshop, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 1
    journey, _anna, bram, _customer = workshop

    async def scenario():
        client = await open_client(journey, bram)
        await sync_to_async(journey.memberships.filter(user=bram).delete)()
        async with asyncio.timeout(4):
            output = await client.socket.receive_output(timeout=4)
            while output["type"] == "websocket.send":
                output = await client.socket.receive_output(timeout=4)
        assert output == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_board_page_connects_the_socket_with_its_seq_and_heartbeat(workshop, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 7
    journey, anna, _bram, customer = workshop
    make_step(journey, "Customer fills in the web form", customer)
    journey.refresh_from_db()
    page_html = browser_of(anna).get(f"/j/{journey.pk}/").text
    assert f'ws-connect="/ws/j/{journey.pk}/"' in page_html and 'hx-ext="ws"' in page_html
    assert 'data-heartbeat-seconds="7"' in page_html
    assert f'<div id="board-seq" data-seq="{journey.seq}" hidden>' in page_html
    assert "live/live.js" in page_html
