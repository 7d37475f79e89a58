"""Bursts of edits over two daphne processes: time until every client shows the last one.

    .venv/bin/python bench/bench_burst.py [--bursts 5] [--edits 100] [--clients 10] [--posters 4]
                                          [--kind rename|add] [--layer redis|redis-pubsub] [--database NAME]

Two daphne processes on PostgreSQL + Redis (bench/harness.py; services on loopback unless SCALEOUT_POSTGRES /
SCALEOUT_REDIS say otherwise), `--clients` board sockets spread over both (bench/page_client.py: live.js's rules,
so early frames wait for the gap to fill and a gap that stays asks for a catch-up). Each burst: `--edits` new
steps posted as fast as `--posters` threads can, alternating between the two processes, so pushes reach the
sockets out of order (step renames by default: a card and the panel's parts each; `--kind add` adds steps, each
of which re-renders the whole map). Per burst: the time from the first post until the last client has applied the
last seq (in order), the time the posts took, the frames that came early and waited, and the catch-ups the clients
asked for. Prints p50 and max over the bursts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402
from bench.page_client import PageClient, percentile, stop_all  # noqa: E402

REDIS_URL = f"redis://{harness.REDIS[0]}:{harness.REDIS[1]}/14"
STEPS_TO_RENAME = 10


def step_ids(database_url: str, journey_id: int) -> list[int]:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        rows = conn.execute("SELECT id FROM journeys_step WHERE journey_id = %s ORDER BY id", [journey_id])
        return [row[0] for row in rows]


async def burst(editors, seed, steps, clients, seq: int, args) -> tuple[float | None, float, int, int, int]:
    resyncs_before = sum(client.resyncs for client in clients)
    early_before = sum(client.early_frames for client in clients)
    target = seq + args.edits
    started = time.monotonic()

    def post(n: int) -> None:
        editor = editors[n % len(editors)]
        if steps:
            editor.rename_step(steps[n % len(steps)], f"Renamed in burst {seq + n + 1}")
        else:
            editor.add_step(f"Burst step {seq + n + 1}", seed.department)

    with ThreadPoolExecutor(args.posters) as pool:
        await asyncio.get_running_loop().run_in_executor(None, lambda: list(pool.map(post, range(args.edits))))
    posted = time.monotonic() - started
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and any(client.reached(target) is None for client in clients):
        await asyncio.sleep(0.005)
    resyncs = sum(client.resyncs for client in clients) - resyncs_before
    early = sum(client.early_frames for client in clients) - early_before
    if any(client.reached(target) is None for client in clients):
        return None, posted, resyncs, early, target
    return max(client.reached(target) for client in clients) - started, posted, resyncs, early, target


async def run(args) -> None:
    database_url = harness.fresh_postgres_database(args.database)
    env = harness.app_env(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        REDIS_CHANNEL_LAYER=args.layer,
        REDIS_PREFIX=f"burst{os.getpid()}",
    )
    try:
        [seed] = harness.seeds(env, 1, migrate=True)
        with harness.daphnes(env, 2) as (urls, _procs):
            editors = [harness.Editor(url, seed.editor, seed.journey) for url in urls]
            clients = [
                PageClient(harness.ws_url(urls[n % 2], seed.journey), harness.ws_headers(urls[n % 2], seed.viewer))
                for n in range(args.clients)
            ]
            for client in clients:
                client.start()
            await asyncio.sleep(2)
            print(
                f"{args.layer}: {args.clients} clients on 2 processes, bursts of {args.edits} edits from "
                f"{args.posters} threads ({args.kind})",
                flush=True,
            )
            seq, steps = 0, []
            if args.kind == "rename":  # steps to rename: renames push a card and the panel's parts, no new map
                for n in range(STEPS_TO_RENAME):
                    await asyncio.to_thread(editors[0].add_step, f"Step {n + 1}", seed.department)
                steps, seq = step_ids(database_url, seed.journey), STEPS_TO_RENAME
                await asyncio.sleep(2)
            times = []
            for n in range(args.bursts):
                took, posted, resyncs, early, seq = await burst(editors, seed, steps, clients, seq, args)
                if took is None:
                    print(f"burst {n + 1}: not every client current within 120 s ({resyncs} catch-ups asked)")
                    continue
                times.append(took)
                print(
                    f"burst {n + 1}: posted in {1000 * posted:.0f} ms, every client current after "
                    f"{1000 * took:.0f} ms (the last {1000 * (took - posted):.0f} ms after the last answer); "
                    f"frames that came early and waited {early}, catch-ups asked {resyncs}",
                    flush=True,
                )
                await asyncio.sleep(2)
            await stop_all(clients)
    finally:
        harness.drop_postgres_database(args.database)
    if times:
        print(
            f"{args.layer}: every client current after a burst of {args.edits}: "
            f"p50 {1000 * percentile(times, 50):.0f} ms, max {1000 * max(times):.0f} ms over {len(times)} bursts"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--posters", type=int, default=4, help="threads posting at once")
    parser.add_argument("--kind", choices=["rename", "add"], default="rename", help="step renames or new steps")
    parser.add_argument("--layer", choices=["redis", "redis-pubsub"], default="redis")
    parser.add_argument("--database", default="journeyboard_bench_burst", help="created and dropped by the bench")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
