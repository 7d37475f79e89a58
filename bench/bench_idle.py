"""Idle and busy sockets on two daphne processes over Redis, for each channel layer.

    .venv/bin/python bench/bench_idle.py [--idle 60] [--busy 60] [--sockets 10] [--layer redis|redis-pubsub]

For each layer: two daphne processes on PostgreSQL + Redis, `--sockets` board sockets on each. Then
1. idle: nobody edits for `--idle` seconds (heartbeats only); counts sockets the server closed, by close code, and
   the "Timeout reading" lines the processes logged; then one edit, and the time until every socket still open
   has its push;
2. busy: a new set of sockets, and 5 edits/s posted alternately to both processes for `--busy` seconds; counts
   closes again, and pushes that did not reach a socket still open (a browser would catch up after such a gap).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

PG_DATABASE = "journeyboard_sync_bench_idle"
REDIS_URL = f"redis://{harness.REDIS[0]}:{harness.REDIS[1]}/14"
RATE = 5.0


def closes(sockets: list[harness.RecordingSocket]) -> str:
    codes = Counter(socket.close_code for socket in sockets if not socket.is_open)
    return ", ".join(f"{n} with {code}" for code, n in sorted(codes.items())) or "none"


async def delivery(sockets: list[harness.RecordingSocket], seq: int, since: float, wait: float = 10) -> str:
    deadline = time.monotonic() + wait
    alive = [socket for socket in sockets if socket.is_open]
    while time.monotonic() < deadline and any(socket.arrival(seq) is None for socket in alive):
        await asyncio.sleep(0.01)
    times = [socket.arrival(seq) for socket in alive]
    got = [1000 * (at - since) for at in times if at is not None]
    if not got:
        return f"reached none of {len(alive)} open sockets"
    return f"reached {len(got)} of {len(alive)} open sockets, the last after {max(got):.0f} ms"


async def run(layer: str, idle: float, busy: float, per_process: int) -> None:
    database_url = harness.fresh_postgres_database(PG_DATABASE)
    env = harness.app_env(
        DATABASE_URL=database_url, REDIS_URL=REDIS_URL, REDIS_CHANNEL_LAYER=layer, REDIS_PREFIX=f"idle{os.getpid()}"
    )
    try:
        [seed] = harness.seeds(env, 1, migrate=True)
        with harness.daphnes(env, 2) as (urls, procs):
            editors = [harness.Editor(url, seed.editor, seed.journey) for url in urls]
            sockets = [
                harness.RecordingSocket(url, seed.viewer, seed.journey) for url in urls for _ in range(per_process)
            ]
            for socket in sockets:
                await socket.open()
            await asyncio.sleep(1)
            print(f"\n== {layer}: {len(sockets)} sockets on 2 processes ==", flush=True)

            await asyncio.sleep(idle)
            timeouts = sum(harness.log_of(proc).count("Timeout reading") for proc in procs)
            print(f"idle {idle:.0f} s: closed by the server: {closes(sockets)}; 'Timeout reading' logged {timeouts}x")
            start = time.monotonic()
            await asyncio.to_thread(editors[0].add_step, "After the quiet", seed.department)
            seq = 1
            print(f"one edit after the idle period: {await delivery(sockets, seq, start)}", flush=True)

            for socket in sockets:
                if socket.is_open:
                    await socket.close()
            # A fresh set of sockets for the busy part, so closes in the quiet part do not hide what happens here.
            sockets = [
                harness.RecordingSocket(url, seed.viewer, seed.journey) for url in urls for _ in range(per_process)
            ]
            for socket in sockets:
                await socket.open(seq)
            await asyncio.sleep(1)
            timeouts = sum(harness.log_of(proc).count("Timeout reading") for proc in procs)
            began, sent = time.monotonic(), []
            for n in range(int(busy * RATE)):
                await asyncio.sleep(max(0.0, began + n / RATE - time.monotonic()))
                await asyncio.to_thread(editors[n % 2].add_step, f"Busy {n}", seed.department)
                seq += 1
                sent.append(seq)
            await asyncio.sleep(3)
            alive = [socket for socket in sockets if socket.is_open]
            missed = sum(
                1
                for socket in alive
                for s in sent
                if not any(frame_seq == s for _at, frame_seq, _b, kind in socket.frames if kind == "push")
            )
            timeouts = sum(harness.log_of(proc).count("Timeout reading") for proc in procs) - timeouts
            print(
                f"busy {busy:.0f} s at {RATE:.0f} edits/s, {len(sockets)} new sockets: closed: {closes(sockets)}"
                + f"; pushes missing on open sockets: {missed} of {len(sent) * len(alive)}"
                + f"; 'Timeout reading' logged {timeouts}x",
                flush=True,
            )
            for socket in alive:
                await socket.close()
    finally:
        harness.drop_postgres_database(PG_DATABASE)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--idle", type=float, default=60)
    parser.add_argument("--busy", type=float, default=60)
    parser.add_argument("--sockets", type=int, default=10, help="sockets per process")
    parser.add_argument("--layer", choices=["redis", "redis-pubsub"], action="append")
    args = parser.parse_args()
    for layer in args.layer or ["redis", "redis-pubsub"]:
        await run(layer, args.idle, args.busy, args.sockets)


if __name__ == "__main__":
    asyncio.run(main())
