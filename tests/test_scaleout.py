"""Two daphne processes on PostgreSQL + Redis, for each Redis channel layer: a change posted to one reaches sockets
on both, with the same seq, and sockets left idle stay open and get the next change promptly.

Runs in every `pytest`/`make test`/.ci/run. If PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not
reachable this FAILS: a skipped scale-out test would hide exactly the set-up it exists to check.

Database and Redis prefix are named after this checkout and pytest-xdist worker (or TEST_DATABASE_NAME and
REDIS_PREFIX when set), so runs in other worktrees or workers never share, or drop, each other's.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass

import pytest
import websockets

from bench import harness
from tests.live_client import run_async

pytestmark = [pytest.mark.scaleout, pytest.mark.slow]

LAYERS = ("redis", "redis-pubsub")
REDIS_URL = f"redis://{harness.REDIS[0]}:{harness.REDIS[1]}/13"
# Longer than every timeout on the way: redis-py's 5 s read timeout, channels_redis's 5 s BZPOPMIN, two heartbeats.
IDLE_SECONDS = 35
HEARTBEAT_SECONDS = 15
# The test settings (their fast password hasher, static files from the app folders): the processes need no
# `collectstatic` before the test, and the seeded users log in without 0.3 s of hashing each.
TEST_SETTINGS = {"DJANGO_SETTINGS_MODULE": "tests.settings"}
PROMPTLY = 3.0  # seconds; a push takes tens of milliseconds, a socket that has to reconnect first about one


def run_name() -> str:
    checkout = "jb_" + hashlib.sha1(str(harness.ROOT).encode()).hexdigest()[:8]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{os.environ.get('TEST_DATABASE_NAME', checkout)}_scaleout_{worker}"


def redis_prefix(layer: str) -> str:
    return f"{os.environ.get('REDIS_PREFIX', run_name())}.scaleout.{layer}."


@dataclass
class Pair:
    """Two daphne processes on one Redis channel layer, with a journey of their own."""

    urls: list[str]
    procs: list
    seed: harness.Seed


def require_services() -> None:
    missing = [
        name
        for name, address in (("PostgreSQL", harness.POSTGRES), ("Redis", harness.REDIS))
        if not harness.reachable(address)
    ]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not reachable. The scale-out test needs PostgreSQL at "
            f"{':'.join(map(str, harness.POSTGRES))} (trust auth for user postgres) and Redis at "
            f"{':'.join(map(str, harness.REDIS))} (SCALEOUT_POSTGRES / SCALEOUT_REDIS=host:port move them). "
            "Start them, e.g. `docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres` and "
            "`docker run -p 6379:6379 redis`.",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def database_url():
    require_services()
    url = harness.fresh_postgres_database(run_name())
    yield url
    harness.drop_postgres_database(run_name())


@pytest.fixture(scope="module")
def pairs(database_url) -> dict[str, Pair]:
    """Two daphne processes per layer, all four on one database; they start while it is migrated and seeded."""
    envs = {
        layer: harness.app_env(
            **TEST_SETTINGS,
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            REDIS_CHANNEL_LAYER=layer,
            REDIS_PREFIX=redis_prefix(layer),
            BOARD_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS),
        )
        for layer in LAYERS
    }
    procs = {layer: [harness.launch_daphne(harness.free_port(), env) for _n in range(2)] for layer, env in envs.items()}
    try:
        seeds = harness.seeds(harness.app_env(**TEST_SETTINGS, DATABASE_URL=database_url), len(LAYERS), migrate=True)
        for pair in procs.values():
            for proc in pair:
                harness.wait_until_serving(proc)
        yield {
            layer: Pair([f"http://127.0.0.1:{proc.port}" for proc in procs[layer]], procs[layer], seed)
            for layer, seed in zip(LAYERS, seeds, strict=True)
        }
    finally:
        harness.stop_daphnes([proc for pair in procs.values() for proc in pair])


async def next_sequenced(socket, timeout: float = 30) -> tuple[tuple[int, int, str], str]:
    async with asyncio.timeout(timeout):
        while True:
            message = await socket.recv()
            header = harness.frame_header(message)
            if header and header[2] != "heartbeat":
                return header, message


def current_seq(database_url: str, journey_id: int) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute("SELECT seq FROM journeys_journey WHERE id = %s", [journey_id]).fetchone()[0]


@pytest.mark.parametrize("layer", LAYERS)
def test_change_posted_to_one_process_reaches_sockets_on_both_with_agreeing_seq(pairs, database_url, layer):
    (first, second), seed = pairs[layer].urls, pairs[layer].seed

    async def scenario():
        sockets = []
        for base in (first, second):
            socket = await websockets.connect(
                harness.ws_url(base, seed.journey),
                additional_headers=harness.ws_headers(base, seed.viewer),
                open_timeout=30,
            )
            await socket.send(json.dumps({"type": "hello", "seq": 0}))
            (seq, _base, kind), _html = await next_sequenced(socket)
            assert kind == "snapshot" or seq == 0
            sockets.append(socket)
        start = current_seq(database_url, seed.journey)

        editor = harness.Editor(first, seed.editor, seed.journey)
        await asyncio.to_thread(editor.add_step, "Form lands in a shared mailbox", seed.department)
        await asyncio.to_thread(editor.add_step, "Agent checks identity and re-keys the address", seed.department)
        seq_in_db = current_seq(database_url, seed.journey)
        assert seq_in_db == start + 2

        for socket in sockets:
            frames = [await next_sequenced(socket) for _n in range(4)]
            assert [header for header, _html in frames] == [
                (start + 1, start, "push"),
                (start + 1, start + 1, "followup"),  # the insights panel, right behind its push
                (start + 2, start + 1, "push"),
                (start + 2, start + 2, "followup"),
            ]
            assert "Agent checks identity and re-keys the address" in frames[2][1]

        # A socket on the other process that reconnects behind catches up from PostgreSQL, at the same seq.
        await sockets[1].send(json.dumps({"type": "resync", "seq": start + 1}))
        (seq, base, kind), html = await next_sequenced(sockets[1])
        assert (seq, base, kind) == (seq_in_db, start + 1, "catchup")
        assert "Agent checks identity and re-keys the address" in html
        for socket in sockets:
            await socket.close()

    run_async(scenario)


def test_idle_sockets_stay_open_and_the_next_change_reaches_both_processes_promptly_on_each_layer(pairs, database_url):
    """A quiet board (heartbeats only) for longer than the layers' timeouts; then a change posted to each process.

    Both layers idle at the same time, so the wait is paid once. With redis-py 8's default 5 s read timeout racing
    RedisChannelLayer's 5 s BZPOPMIN, sockets were closed with 1011 every few seconds."""

    async def idle_then_edit(layer: str, pair: Pair) -> list[str]:
        seed = pair.seed
        sockets = [harness.RecordingSocket(url, seed.viewer, seed.journey) for url in pair.urls for _n in range(2)]
        for socket in sockets:
            await socket.open()
        start = await asyncio.to_thread(current_seq, database_url, seed.journey)
        async with asyncio.timeout(10):
            while not all(socket.arrival(start) for socket in sockets):  # the hello's answer: all set
                await asyncio.sleep(0.05)
        await asyncio.sleep(IDLE_SECONDS)

        problems = [
            f"{layer}: a socket on process {sockets.index(socket) // 2 + 1} was closed with {socket.close_code} "
            f"after {socket.closed_at - (socket.frames[0][0]):.1f} s idle"
            for socket in sockets
            if not socket.is_open
        ]
        for number, (url, proc) in enumerate(zip(pair.urls, pair.procs, strict=True), start=1):
            # Blocking calls in threads: the other layer's sockets are recording on this event loop.
            editor = await asyncio.to_thread(harness.Editor, url, seed.editor, seed.journey)
            await asyncio.to_thread(editor.add_step, f"Posted to process {number} after the quiet", seed.department)
            seq = await asyncio.to_thread(current_seq, database_url, seed.journey)
            alive = [socket for socket in sockets if socket.is_open]
            with suppress(TimeoutError):
                async with asyncio.timeout(PROMPTLY):
                    while not all(socket.arrival(seq) for socket in alive):
                        await asyncio.sleep(0.01)
            late = [socket for socket in alive if socket.arrival(seq) is None]
            if late:
                problems.append(
                    f"{layer}: {len(late)} of {len(alive)} sockets lacked the change posted to process "
                    f"{number} after {PROMPTLY} s"
                )
            errors = [line for line in harness.log_of(proc).splitlines() if "Error" in line or "Exception" in line]
            if errors:
                problems.append(f"{layer}: process {number} logged {len(errors)} errors, the last: {errors[-1]}")
        for socket in sockets:
            if socket.is_open:
                await socket.close()
        return problems

    async def scenario() -> list[str]:
        found = await asyncio.gather(*(idle_then_edit(layer, pair) for layer, pair in pairs.items()))
        return [problem for problems in found for problem in problems]

    problems = run_async(scenario)
    assert not problems, "\n".join(problems)


def test_a_process_keeps_to_its_pool_of_database_connections_however_many_requests(pairs, database_url):
    """daphne runs every request in a thread of its own. With a persistent connection per thread each request opened
    one and left it open until the garbage collector came by (15 after 40 edits on one process), and three processes
    under load met PostgreSQL's "too many clients already" (answered 500)."""
    seed = pairs["redis"].seed
    env = harness.app_env(
        **TEST_SETTINGS,
        DATABASE_URL=f"{database_url}?application_name=pool-check",
        DATABASE_POOL_SIZE="3",
        REDIS_URL=REDIS_URL,
        REDIS_PREFIX=redis_prefix("pool-check"),
    )
    proc = harness.start_daphne(harness.free_port(), env)
    try:
        editor = harness.Editor(f"http://127.0.0.1:{proc.port}", seed.editor, seed.journey)
        with ThreadPoolExecutor(max_workers=4) as threads:
            list(threads.map(lambda n: editor.add_step(f"Pool check {n}", seed.department), range(40)))
        assert 1 <= connections_named(database_url, "pool-check") <= 3
    finally:
        harness.stop_daphnes([proc])


def connections_named(database_url: str, application_name: str) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
        return conn.execute(query, [application_name]).fetchone()[0]
