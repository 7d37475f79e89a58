"""Two daphne processes on PostgreSQL + Redis: a change posted to one reaches sockets on both, with the same seq.

Runs in every `pytest`/`make test`/.ci/run. If PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not
reachable this FAILS: a skipped scale-out test would hide exactly the set-up it exists to check.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from bench import harness
from tests.live_client import run_async

pytestmark = [pytest.mark.scaleout, pytest.mark.slow]

DATABASE_NAME = "journeyboard_sync_scaleout"
REDIS_URL = f"redis://{harness.REDIS[0]}:{harness.REDIS[1]}/13"


@pytest.fixture(scope="module")
def two_processes():
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
    database_url = harness.fresh_postgres_database(DATABASE_NAME)
    env = harness.app_env(DATABASE_URL=database_url, REDIS_URL=REDIS_URL, BOARD_HEARTBEAT_SECONDS="15")
    harness.manage(env, "migrate", "-v0")
    seed = harness.seed(env)
    try:
        with harness.daphnes(env, count=2) as (urls, _procs):
            yield urls, seed, database_url
    finally:
        harness.drop_postgres_database(DATABASE_NAME)


async def next_sequenced(socket, timeout: float = 10) -> tuple[tuple[int, int, str], str]:
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


def test_change_posted_to_one_process_reaches_sockets_on_both_with_agreeing_seq(two_processes):
    (first, second), seed, database_url = two_processes

    async def scenario():
        sockets = []
        for base in (first, second):
            socket = await websockets.connect(
                harness.ws_url(base, seed.journey), additional_headers=harness.ws_headers(base, seed.viewer)
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
