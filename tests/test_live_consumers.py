"""The board socket: ordered pushes, idempotent and stale edits, catch-up after gaps and drops, refusals, limits."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from boards.rendering import render_map
from config.asgi import application
from journeys.models import Event, Journey, Membership, Step
from live import broadcast, close_codes, consumers, fanout
from live.frame_budget import FrameBudget, FrameGate
from live.models import BoardPresence
from tests.factories import make_department, make_journey, make_step, make_user
from tests.live_client import HEADER, HOST, ORIGIN, BoardClient, board_html, parse, run_async, session_cookie

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
        push = await watcher.receive_sequenced()
        follow_up = await watcher.receive_sequenced()
        assert f'data-seq="{seq}" data-base="{seq - 1}" data-kind="push"' in push
        assert 'id="insights-panel"' not in push  # the edit shows without waiting for the whole-board analysis
        assert f'data-seq="{seq}" data-base="{seq}" data-kind="followup"' in follow_up
        assert 'id="insights-panel" class="insights-panel"' in follow_up and f'data-seq="{seq}"' in follow_up
        assert await watcher.handle(push) == "applied" and await watcher.handle(follow_up) == "followup"
        assert await watcher.handle(follow_up.replace(f'data-seq="{seq}"', f'data-seq="{seq - 1}"', 1)) == "dropped"
        # Whoever made the change is not kept waiting for it either: their page's socket brings it like everyone's.
        assert 'id="insights-panel"' not in response.content.decode()
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


def test_oversized_frame_closes_the_socket_with_4009_and_is_logged_once(workshop, caplog):
    journey, anna, *_ = workshop

    async def scenario():
        client = await open_client(journey, anna)
        for _n in range(5):  # 2,049-16,384 bytes: under daphne's frame limit, over ours
            await client.socket.send_to(text_data='{"type": "hello", "seq": 0, "pad": "' + "x" * 4096 + '"}')
        return await close_of(client)

    assert run(scenario) == {"type": "websocket.close", "code": close_codes.FRAME_TOO_BIG}
    closings = [record for record in caplog.records if record.name == "live.frame_budget"]
    assert len(closings) == 1 and "4009" in closings[0].getMessage()
    assert f"user {anna.pk}" in closings[0].getMessage()


def test_a_flood_of_small_frames_closes_the_socket_with_4029(workshop, settings):
    journey, anna, *_ = workshop
    settings.WEBSOCKET_FRAMES_PER_10S = 20

    async def scenario():
        client = await open_client(journey, anna)
        for _n in range(200):
            await client.socket.send_to(text_data="{}")
        return await close_of(client)

    assert run(scenario) == {"type": "websocket.close", "code": close_codes.TOO_MANY_FRAMES}


def test_a_flood_of_bytes_within_the_frame_count_closes_the_socket_with_4029(workshop, settings):
    journey, anna, *_ = workshop
    settings.WEBSOCKET_BYTES_PER_10S = 10_000

    async def scenario():
        client = await open_client(journey, anna)
        for _n in range(6):
            await client.socket.send_to(text_data="x" * 2000)
        return await close_of(client)

    assert run(scenario) == {"type": "websocket.close", "code": close_codes.TOO_MANY_FRAMES}


def test_the_gate_drains_a_flood_at_once_and_passes_on_only_the_budget(settings):
    """daphne's queue is emptied as fast as it fills and nothing past the budget is kept (memory stays flat)."""
    settings.WEBSOCKET_FRAMES_PER_10S = 50

    async def scenario():
        daphne_queue: asyncio.Queue = asyncio.Queue()
        sent = []

        async def send(message):
            sent.append(message)

        gate = FrameGate({"type": "websocket", "path": "/ws/j/1/"}, daphne_queue.get, send)
        pump = asyncio.create_task(gate.pump())
        await gate.send({"type": "websocket.accept"})
        for _n in range(20_000):
            daphne_queue.put_nowait({"type": "websocket.receive", "text": "x" * 1000})
        await asyncio.sleep(0)  # one turn of the event loop
        drained = daphne_queue.qsize()
        daphne_queue.put_nowait({"type": "websocket.disconnect", "code": 1006})
        await pump
        return drained, gate.inbox.qsize(), sent

    drained, waiting, sent = run_async(scenario)
    assert drained == 0
    assert waiting <= 50 + 1  # the frames within budget and the disconnect
    assert sent == [{"type": "websocket.accept"}, {"type": "websocket.close", "code": close_codes.TOO_MANY_FRAMES}]


def test_the_frame_budget_refills_evenly_over_ten_seconds():
    now = [0.0]
    budget = FrameBudget(frames=10, bytes_=1000, clock=lambda: now[0])
    assert all(budget.spend(10) for _n in range(10))
    assert not budget.spend(10)
    now[0] = 1.0  # one second: one frame more
    assert budget.spend(10)
    assert not budget.spend(10)
    now[0] = 100.0  # never more than the burst
    assert sum(budget.spend(1) for _n in range(20)) == 10
    assert not FrameBudget(frames=10, bytes_=1000).spend(1001)


# Access ends, sockets close ---------------------------------------------------------------------------------


def logged_in(user) -> tuple[Client, bytes]:
    """A browser of `user` for HTTP and the cookie of that same session for its sockets."""
    http = browser_of(user)
    return http, f"sessionid={http.cookies['sessionid'].value}".encode()


async def board_socket(journey: Journey, cookie: bytes) -> BoardClient:
    client = BoardClient(journey.pk, cookie, last=journey.seq)
    assert (await client.connect())[0]
    await client.greet()
    return client


async def stays_open(client: BoardClient, seconds: float = 0.5) -> bool:
    """Whether the socket is still open after `seconds` (presence frames may arrive meanwhile)."""
    while not await client.socket.receive_nothing(timeout=seconds):
        if (await client.socket.receive_output())["type"] == "websocket.close":
            return False
    return True


async def closed_within(client: BoardClient, seconds: float = 1.0) -> dict | None:
    """The close message if the server closes the socket within `seconds` (frames before it are skipped)."""
    async with asyncio.timeout(seconds):
        while (output := await client.socket.receive_output(timeout=seconds))["type"] == "websocket.send":
            pass
    return output


def test_logout_closes_that_sessions_sockets_at_once_and_no_other(workshop, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 60  # at once: long before any heartbeat
    journey, anna, *_ = workshop
    laptop, laptop_cookie = logged_in(anna)
    _phone, phone_cookie = logged_in(anna)

    async def scenario():
        on_laptop, on_phone = await board_socket(journey, laptop_cookie), await board_socket(journey, phone_cookie)
        await sync_to_async(laptop.post)("/logout/")
        closing = await closed_within(on_laptop)
        still_open = await stays_open(on_phone)
        again = BoardClient(journey.pk, laptop_cookie, last=0)
        assert (await again.connect())[0]
        refused = await closed_within(again)
        await on_phone.disconnect()
        return closing, still_open, refused

    closing, still_open, refused = run(scenario)
    assert closing == {"type": "websocket.close", "code": close_codes.SIGNED_OUT}
    assert still_open
    assert refused == {"type": "websocket.close", "code": close_codes.NOT_ALLOWED}


def test_a_password_change_or_deactivation_closes_every_socket_of_the_user_at_once(workshop, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 60
    journey, anna, bram, _customer = workshop
    _laptop, laptop_cookie = logged_in(anna)
    _phone, phone_cookie = logged_in(anna)
    _bram, bram_cookie = logged_in(bram)

    def change_password():
        anna.set_password("a whole new one 2027")
        anna.save()

    def deactivate():
        bram.is_active = False
        bram.save()

    async def scenario():
        sockets = [await board_socket(journey, cookie) for cookie in (laptop_cookie, phone_cookie, bram_cookie)]
        await sync_to_async(change_password)()
        annas = [await closed_within(socket) for socket in sockets[:2]]
        brams_still_open = await stays_open(sockets[2])
        await sync_to_async(deactivate)()
        return annas, brams_still_open, await closed_within(sockets[2])

    annas, brams_still_open, brams = run(scenario)
    assert annas == [{"type": "websocket.close", "code": close_codes.SIGNED_OUT}] * 2
    assert brams_still_open
    assert brams == {"type": "websocket.close", "code": close_codes.SIGNED_OUT}


def test_removing_a_member_closes_their_socket_on_that_journey_at_once(workshop, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 60
    journey, anna, bram, _customer = workshop
    elsewhere = make_journey(facilitator=anna, members=[bram], title="Other journey")
    _http, cookie = logged_in(bram)

    async def scenario():
        here, there = await board_socket(journey, cookie), await board_socket(elsewhere, cookie)
        await sync_to_async(Membership.objects.filter(journey=journey, user=bram).delete)()
        closing = await closed_within(here)
        still_open = await stays_open(there)
        await there.disconnect()
        return closing, still_open

    closing, still_open = run(scenario)
    assert closing == {"type": "websocket.close", "code": close_codes.NOT_ALLOWED}
    assert still_open


def test_a_session_ended_without_a_message_closes_the_socket_at_the_next_heartbeat(workshop, settings):
    """The layer may drop the message: the heartbeat reads the session afresh."""
    settings.BOARD_HEARTBEAT_SECONDS = 1
    journey, anna, *_ = workshop
    http, cookie = logged_in(anna)

    async def scenario():
        client = await board_socket(journey, cookie)
        await sync_to_async(Session.objects.filter(session_key=http.cookies["sessionid"].value).delete)()
        return await closed_within(client, seconds=3)

    assert run(scenario) == {"type": "websocket.close", "code": close_codes.NOT_ALLOWED}


def test_logout_closes_the_owners_list_and_dashboard_sockets_too(workshop, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 60
    _journey, anna, *_ = workshop
    anna.is_superuser = True  # a manager: the dashboard socket is hers too
    anna.save()
    http, cookie = logged_in(anna)

    async def scenario():
        sockets = []
        for path in ("/ws/pain-points/", "/ws/dashboard/"):
            socket = WebsocketCommunicator(application, path, headers=[ORIGIN, HOST, (b"cookie", cookie)])
            assert (await socket.connect())[0]
            assert "marker" in await socket.receive_from(timeout=3)
            sockets.append(socket)
        await sync_to_async(http.post)("/logout/")
        return [await socket.receive_output(timeout=1) for socket in sockets]

    assert run(scenario) == [{"type": "websocket.close", "code": close_codes.SIGNED_OUT}] * 2


async def close_of(client: BoardClient) -> dict:
    """The close message, past any frames (presence, catch-up) sent before it."""
    output = await client.socket.receive_output(timeout=3)
    while output["type"] == "websocket.send":
        output = await client.socket.receive_output(timeout=3)
    return output


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
        assert message["code"] == close_codes.TOO_MANY_FRAMES

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


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (b"https://evil.example", b"127.0.0.1"),
        (b"http://127.0.0.1:9999", b"127.0.0.1"),  # another port of the same machine
        (b"https://127.0.0.1", b"127.0.0.1"),  # another scheme
        (b"http://127.0.0.1", b"127.0.0.1:8000"),
        (b"http://evil.example", b"evil.example"),  # same origin, but no host of ours
        (b"null", b"127.0.0.1"),
        (b"http://127.0.0.1:notaport", b"127.0.0.1"),
    ],
)
def test_socket_from_another_origin_scheme_or_port_is_refused(workshop, origin, host):
    journey, anna, *_ = workshop

    async def scenario():
        client = BoardClient(journey.pk, await sync_to_async(session_cookie)(anna), last=0)
        headers = [header for header in client.socket.scope["headers"] if header[0] not in (b"origin", b"host")]
        client.socket.scope["headers"] = [(b"origin", origin), (b"host", host), *headers]
        connected, _code = await client.connect()
        assert not connected

    run(scenario)


def test_a_socket_behind_a_tls_proxy_must_come_from_the_https_page(workshop, settings):
    settings.ALLOWED_HOSTS = ["board.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    journey, anna, *_ = workshop

    async def connects(origin: bytes, proto: bytes) -> bool:
        client = BoardClient(journey.pk, await sync_to_async(session_cookie)(anna), last=0)
        headers = [header for header in client.socket.scope["headers"] if header[0] not in (b"origin", b"host")]
        client.socket.scope["headers"] = [
            (b"origin", origin),
            (b"host", b"board.example.org"),
            (b"x-forwarded-proto", proto),
            *headers,
        ]
        connected, _code = await client.connect()
        await client.disconnect()
        return connected

    async def scenario():
        return [
            await connects(b"https://board.example.org", b"https"),
            await connects(b"http://board.example.org", b"https"),
            await connects(b"https://board.example.org", b"http"),
        ]

    assert run(scenario) == [True, False, False]


@pytest.mark.parametrize(
    "path", ["/ws/nothing/", "/ws/j/99999999999999999999999/", "/ws/j/9223372036854775808/", "/ws/j/x/", "/"]
)
def test_unknown_socket_paths_and_ids_no_row_can_have_are_closed_with_4404(workshop, path, caplog):
    _journey, anna, *_ = workshop

    async def scenario():
        cookie = await sync_to_async(session_cookie)(anna)
        socket = WebsocketCommunicator(application, path, headers=[ORIGIN, HOST, (b"cookie", cookie)])
        connected, _code = await socket.connect()
        return connected, await socket.receive_output(timeout=2)

    assert run(scenario) == (True, {"type": "websocket.close", "code": close_codes.NOT_FOUND})
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_websocket_origins_must_name_their_scheme(settings):
    from config.routing import origin_checked

    settings.WEBSOCKET_ALLOWED_ORIGINS = ["board.example.org"]
    with pytest.raises(ImproperlyConfigured, match="https://board.example.org"):
        origin_checked(lambda scope, receive, send: None)


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


def test_the_answer_does_not_wait_for_the_push_to_the_other_sockets(workshop, monkeypatch):
    journey, anna, bram, customer = workshop
    release, waited = threading.Event(), []
    render = broadcast.push_messages

    def held(event: Event) -> list:
        waited.append(release.wait(timeout=10))  # False had the request waited for the push (it would hang here)
        return render(event)

    monkeypatch.setattr(broadcast, "push_messages", held)

    async def scenario():
        watcher = await open_client(journey, bram)
        response = await add_step(browser_of(anna), journey, "Customer fills in the web form", customer)
        assert response.status_code == 200 and "Customer fills in the web form" in response.content.decode()
        release.set()
        await fanout.drained()
        seq = int(response["X-Journey-Event-Seq"])
        assert f'data-seq="{seq}" data-base="{seq - 1}" data-kind="push"' in await watcher.receive_sequenced()
        assert f'data-seq="{seq}" data-base="{seq}" data-kind="followup"' in await watcher.receive_sequenced()
        await watcher.disconnect()

    run(scenario)
    assert waited == [True]


def test_changes_made_in_a_row_are_pushed_in_seq_order_after_their_answers(workshop):
    journey, anna, bram, customer = workshop

    async def scenario():
        watcher = await open_client(journey, bram)
        http = browser_of(anna)
        answered = [await add_step(http, journey, f"Step {n}", customer) for n in range(6)]
        await fanout.drained()
        seqs = [int(response["X-Journey-Event-Seq"]) for response in answered]
        frames = [await watcher.receive_sequenced() for _frame in range(2 * len(seqs))]
        kinds = [(seq, kind) for seq, _base, kind in map(header_of, frames)]
        assert kinds == [(seq, kind) for seq in seqs for kind in ("push", "followup")]
        await watcher.disconnect()

    run(scenario)


def header_of(frame: str) -> tuple[int, int, str]:
    match = HEADER.match(frame)
    return int(match[1]), int(match[2]), match[3]


def test_a_push_failing_after_the_answer_is_logged_and_the_next_change_still_goes_out(workshop, monkeypatch, caplog):
    journey, anna, bram, customer = workshop
    render = broadcast.push_messages
    failures = []

    def failing_once(event: Event) -> list:
        if not failures:
            failures.append(event.seq)
            raise RuntimeError("the channel layer is down")
        return render(event)

    monkeypatch.setattr(broadcast, "push_messages", failing_once)

    async def scenario():
        watcher = await open_client(journey, bram)
        http = browser_of(anna)
        lost = await add_step(http, journey, "Customer phones", customer)
        kept = await add_step(http, journey, "Agent re-keys the address", customer)
        assert lost.status_code == kept.status_code == 200
        await fanout.drained()
        seq = int(kept["X-Journey-Event-Seq"])
        await watcher.settle(seq)  # the lost push leaves a gap: the client catches up from the event log
        assert watcher.resyncs == 1 and watcher.board() == await sync_to_async(fresh_board)(journey)
        await watcher.disconnect()

    run(scenario)
    assert "Could not push event" in caplog.text and "the channel layer is down" in caplog.text


def test_each_journey_s_changes_waiting_together_leave_in_seq_order():
    events = [Event(journey_id=journey, seq=seq) for journey, seq in ((1, 3), (2, 8), (1, 2), (2, 9))]
    ordered = fanout.in_seq_order(events)
    assert [(event.journey_id, event.seq) for event in ordered] == [(1, 2), (2, 8), (1, 3), (2, 9)]


def test_the_dashboard_figure_of_the_day_is_kept_after_the_answer_and_a_failing_job_is_only_logged(
    workshop, monkeypatch, caplog
):
    """What a change sets off that nobody waits for (the dashboard's daily flow figure) runs after the push, off the
    request; a job that fails leaves the change, the answer and the push as they were."""
    from dashboard.flow_history import record_after_change
    from dashboard.models import JourneyFlowDay

    journey, anna, bram, customer = workshop
    release, waited = threading.Event(), []

    def held_record(changes: list[Event]) -> None:
        waited.append(release.wait(timeout=10))  # False had the request waited for it
        record_after_change(changes)

    def broken(changes: list[Event]) -> None:
        raise RuntimeError("figure store away")

    monkeypatch.setattr(fanout, "_after_push", [broken, held_record])

    async def scenario():
        watcher = await open_client(journey, bram)
        response = await add_step(browser_of(anna), journey, "Customer fills in the web form", customer)
        assert response.status_code == 200
        assert not await sync_to_async(JourneyFlowDay.objects.filter(journey=journey).exists)()
        release.set()
        await fanout.drained()
        seq = int(response["X-Journey-Event-Seq"])
        assert f'data-seq="{seq}" data-base="{seq - 1}" data-kind="push"' in await watcher.receive_sequenced()
        assert await sync_to_async(JourneyFlowDay.objects.filter(journey=journey).exists)()
        await watcher.disconnect()

    run(scenario)
    assert waited == [True]
    assert "broken failed after event" in caplog.text


def test_a_run_of_changes_from_sync_code_sets_off_each_job_once_per_journey_and_rings_each_doorbell_once(
    workshop, monkeypatch
):
    """A management command building a journey makes its changes as one run: each is pushed as it commits, but
    the work they set off after (kept figures, the panel) runs once per journey with the run's changes in seq
    order, and a page's doorbell rings once, not once per change."""
    from journeys import services

    journey, anna, _bram, customer = workshop
    other = make_journey(facilitator=anna, title="Another question")
    runs, rung = [], []
    monkeypatch.setattr(fanout, "_after_push", [lambda changes: runs.append([(c.journey_id, c.seq) for c in changes])])
    monkeypatch.setattr(broadcast, "DOORBELLS", [("test.ring", lambda event: [f"watchers-{event.journey_id}"])])
    real_send = broadcast.send_to_group
    monkeypatch.setattr(
        broadcast, "send_to_group", lambda group, message: rung.append(group) or real_send(group, message)
    )

    with fanout.one_run_of_changes():
        for title in ("Calls", "Writes", "Calls again"):
            services.step_create(journey=journey, actor=anna, department=customer, title=title)
        services.step_create(journey=other, actor=anna, department=customer, title="Visits")
        assert runs == [] and rung == []

    journey.refresh_from_db()
    other.refresh_from_db()
    assert runs == [
        [(journey.pk, seq) for seq in range(journey.seq - 2, journey.seq + 1)],
        [(other.pk, other.seq)],
    ]
    assert sorted(rung) == sorted([f"watchers-{journey.pk}", f"watchers-{other.pk}"])

    services.step_create(journey=journey, actor=anna, department=customer, title="Outside the run")
    journey.refresh_from_db()
    assert runs[-1] == [(journey.pk, journey.seq)]


def test_changes_waiting_together_for_the_fan_out_set_off_each_job_once_per_journey(monkeypatch):
    """A burst: the changes queued while the fan-out was busy are each pushed, in seq order per journey, and the
    work they set off after runs once per journey with all of them."""
    pushed, runs = [], []

    async def push(event: Event) -> None:
        pushed.append((event.journey_id, event.seq))

    monkeypatch.setattr(fanout, "_push", push)
    monkeypatch.setattr(fanout, "_after_push", [lambda changes: runs.append([(c.journey_id, c.seq) for c in changes])])
    burst = [Event(journey_id=journey, seq=seq) for journey, seq in ((1, 3), (2, 8), (1, 2), (1, 4))]

    async def scenario():
        queue = fanout.Queue()
        queue.events.extend(burst)
        await fanout._work(queue)

    run_async(scenario)
    assert pushed == [(1, 2), (2, 8), (1, 3), (1, 4)]
    assert runs == [[(1, 2), (1, 3), (1, 4)], [(2, 8)]]
