"""Live board latency: from an HTTP POST until the last of N sockets on the journey has the pushed fragment.

    .venv/bin/python bench/bench_live.py [--edits 100] [--quick] [--part embedded|scaleout]

Starts the app on loopback (daphne subprocesses, real HTTP and WebSockets), opens N sockets on one journey, posts
edits (step renames) at 5/s and prints p50/p99 for N = 10, 50, 200 in embedded mode (SQLite + in-memory layer),
the same for a plain Channels relay (group_send of a fixed string, no database) and the ratio; then two daphne
processes on PostgreSQL + Redis with RedisChannelLayer and RedisPubSubChannelLayer; 50 simultaneous reconnects;
and the RSS of one daphne holding 200 sockets. The bench client runs on the same machine, so it competes with the
server for the CPU: read the ratios more than the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

RATE = 5.0  # edits per second
BOARD_STEPS = 30
PG_DATABASE = "journeyboard_sync_bench"
REDIS_URL = f"redis://{harness.REDIS[0]}:{harness.REDIS[1]}/14"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Watchers:
    """N sockets that record when each sequenced frame reached each of them."""

    def __init__(self) -> None:
        self.sockets: list = []
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.tasks: list[asyncio.Task] = []

    async def open(self, urls: list[str], count: int, headers_for) -> None:
        async def one(index: int) -> None:
            base = urls[index % len(urls)]
            socket = await websockets.connect(base, additional_headers=headers_for(base), max_queue=None)
            self.sockets.append(socket)

        for start in range(0, count, 25):  # a browser-like ramp, not a thundering herd
            await asyncio.gather(*(one(i) for i in range(start, min(count, start + 25))))
        self.tasks = [asyncio.create_task(self.listen(socket)) for socket in self.sockets]

    async def listen(self, socket) -> None:
        try:
            async for message in socket:
                header = harness.frame_header(message[:300])
                if header and header[2] in ("push", "catchup", "snapshot"):
                    self.arrivals[header[0]].append(time.perf_counter())
        except websockets.ConnectionClosed:
            pass

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(socket.close() for socket in self.sockets), return_exceptions=True)


POST_MS: list[float] = []  # how long each POST took to answer, for the figures' context
ANSWER_P50: dict[tuple[str, int], float] = {}  # ("full" | "floor", N) -> p50 of the POST's answer, in ms


async def drive(watchers: Watchers, post, first_seq: int, edits: int) -> tuple[list[float], int]:
    """Post `edits` changes at RATE; latency of each = last socket's arrival - POST start."""
    sent: dict[int, float] = {}
    start = time.perf_counter()
    POST_MS.clear()
    for i in range(edits):
        await asyncio.sleep(max(0.0, start + i / RATE - time.perf_counter()))
        sent[first_seq + i] = time.perf_counter()
        await asyncio.to_thread(post, i)
        POST_MS.append(1000 * (time.perf_counter() - sent[first_seq + i]))
    deadline = time.perf_counter() + 10
    wanted = len(watchers.sockets)
    while time.perf_counter() < deadline and any(len(watchers.arrivals[seq]) < wanted for seq in sent):
        await asyncio.sleep(0.05)
    latencies = [max(watchers.arrivals[seq]) - t0 for seq, t0 in sent.items() if len(watchers.arrivals[seq]) >= wanted]
    return [1000 * value for value in latencies], edits - len(latencies)


def line(label: str, latencies: list[float], missing: int) -> str:
    if not latencies:
        return f"{label:<52} no complete deliveries ({missing} missing)"
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    extra = f"  ({missing} edits not delivered to every socket)" if missing else ""
    posts = f"   (POST answered: p50 {percentile(POST_MS, 50):5.1f} ms)" if POST_MS else ""
    return f"{label:<52} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms{posts}{extra}"


# The app ------------------------------------------------------------------------------------------------------


def prepare_board(env: dict[str, str], base_url: str) -> tuple[harness.Seed, harness.Editor, int, int]:
    seed = harness.seed(env)
    editor = harness.Editor(base_url, seed.editor, seed.journey)
    html = ""
    for n in range(BOARD_STEPS):
        html = editor.add_step(f"Step {n}: the customer waits", seed.department)
    step_id = int(html.split('id="step-', 1)[1].split('"', 1)[0].split("-")[0])
    return seed, editor, step_id, BOARD_STEPS  # seq after the board was built


async def full_path(
    urls: list[str],
    seed: harness.Seed,
    editor: harness.Editor,
    step_id: int,
    seq: int,
    n: int,
    edits: int,
    keep_open: bool = False,
):
    watchers = Watchers()
    url_for = {harness.ws_url(base, seed.journey): base for base in urls}
    await watchers.open(list(url_for), n, lambda ws: harness.ws_headers(url_for[ws], seed.viewer))
    await asyncio.sleep(1.0)  # let presence settle: it is not what we measure
    result = await drive(watchers, lambda i: editor.rename_step(step_id, f"Renamed {seq + i}"), seq + 1, edits)
    if not keep_open:
        await watchers.close()
    return result, watchers


async def relay(base_url: str, n: int, edits: int, session_key: str = ""):
    """The relay's sends, triggered by a POST; through Django (logged in, with a CSRF token) when given a session."""
    watchers = Watchers()
    await watchers.open([base_url.replace("http://", "ws://") + "/ws/relay/"], n, lambda ws: [])
    await asyncio.sleep(0.5)
    csrf = "relaybenchcsrfsecret0123456789ab"  # a 32-character secret: cookie and header agree

    def post(i: int) -> None:
        request = urllib.request.Request(f"{base_url}/send/?n={i + 1}", data=b"", method="POST")
        if session_key:
            request.add_header("Cookie", f"sessionid={session_key}; csrftoken={csrf}")
            request.add_header("X-CSRFToken", csrf)
        urllib.request.urlopen(request, timeout=30).read()

    result = await drive(watchers, post, 1, edits)
    await watchers.close()
    return result


async def reconnects(base_url: str, seed: harness.Seed, seq: int, behind: int, count: int = 50) -> tuple[float, int]:
    """`count` sockets connect at once, each `behind` changes behind; seconds until all are current."""
    url = harness.ws_url(base_url, seed.journey)
    headers = harness.ws_headers(base_url, seed.viewer)
    start = time.perf_counter()

    async def one() -> float:
        async with websockets.connect(url, additional_headers=headers, max_queue=None) as socket:
            await socket.send(json.dumps({"type": "hello", "seq": max(0, seq - behind)}))
            async for message in socket:
                header = harness.frame_header(message[:300])
                if header and header[2] != "heartbeat" and header[0] >= seq:
                    return time.perf_counter() - start
        return float("inf")

    times = await asyncio.gather(*(one() for _ in range(count)))
    return max(times), sum(t == float("inf") for t in times)


# The runs ---------------------------------------------------------------------------------------------------


async def embedded(edits: int, sizes: list[int]) -> dict[int, float]:
    print("\n== Embedded: one daphne, SQLite (WAL) + in-memory layer ==")
    p99s = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = harness.app_env(SQLITE_PATH=str(Path(tmp) / "bench.sqlite3"))
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        harness.manage(env, "migrate", "-v0")
        with harness.daphnes(env, 1) as (urls, procs):
            seed, editor, step_id, seq = await asyncio.to_thread(prepare_board, env, urls[0])
            idle_rss = harness.rss_mb(procs[0].pid)
            for n in sizes:
                (latencies, missing), watchers = await full_path(
                    urls, seed, editor, step_id, seq, n, edits, keep_open=(n == max(sizes))
                )
                seq += edits
                print(line(f"full path, N={n}, {RATE:.0f} edits/s", latencies, missing), flush=True)
                p99s[n] = percentile(latencies, 99) if latencies else float("nan")
                ANSWER_P50["full", n] = percentile(POST_MS, 50)
                if n == max(sizes):
                    print(
                        f"RSS of daphne: {idle_rss:.0f} MB idle, {harness.rss_mb(procs[0].pid):.0f} MB with {n} sockets"
                    )
                    await watchers.close()
            await asyncio.sleep(2)  # let the server finish the 200 disconnects: measure the reconnect storm alone
            for behind, label in ((5, "5 changes behind (catch-up)"), (seq, "from scratch (whole board)")):
                worst, failed = await reconnects(urls[0], seed, seq, behind)
                print(
                    f"50 simultaneous reconnects, {label:<27} all current after {worst * 1000:6.0f} ms"
                    + (f" ({failed} never current)" if failed else ""),
                    flush=True,
                )
    return p99s


async def baseline(edits: int, sizes: list[int]) -> tuple[dict[int, float], dict[int, float]]:
    """p99s of the plain relay, and of the floor under the full path: the relay behind a POST through Django's
    middleware, fanned out without the close_old_connections hop (see bench/relay_asgi.py)."""
    print("\n== Baseline: plain Channels relay on daphne (group_send of a fixed string, no database) ==")
    plain, through_django = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        env = harness.app_env(SQLITE_PATH=str(Path(tmp) / "relay.sqlite3"))
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        harness.manage(env, "migrate", "-v0")
        session_key = harness.seed(env).editor
        for app, label, p99s, session in (
            ("application", "plain relay", plain, ""),
            ("django_application", "floor: Django POST + hop-free relay", through_django, session_key),
        ):
            with harness.daphnes(env, 1, app=f"bench.relay_asgi:{app}") as (urls, _procs):
                for n in sizes:
                    latencies, missing = await relay(urls[0], n, edits, session)
                    print(line(f"{label}, N={n}, {RATE:.0f} sends/s", latencies, missing), flush=True)
                    p99s[n] = percentile(latencies, 99) if latencies else float("nan")
                    if session:
                        ANSWER_P50["floor", n] = percentile(POST_MS, 50)
    return plain, through_django


async def scale_out(edits: int, sizes: list[int], rounds: int) -> None:
    print("\n== Two daphne processes on PostgreSQL + Redis (sockets split across both, POSTs to the first) ==")
    if not (harness.reachable(harness.POSTGRES) and harness.reachable(harness.REDIS)):
        print("PostgreSQL or Redis is not reachable on 127.0.0.1: skipped")
        return
    for layer in ("redis", "redis-pubsub") * rounds:  # alternated, so a busy moment does not favour one layer
        database_url = harness.fresh_postgres_database(PG_DATABASE)
        env = harness.app_env(
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            REDIS_CHANNEL_LAYER=layer,
            REDIS_PREFIX=f"bench{os.getpid()}",
        )
        try:
            harness.manage(env, "migrate", "-v0")
            with harness.daphnes(env, 2) as (urls, _procs):
                seed, editor, step_id, seq = await asyncio.to_thread(prepare_board, env, urls[0])
                for n in sizes:
                    (latencies, missing), _w = await full_path(urls, seed, editor, step_id, seq, n, edits)
                    seq += edits
                    name = "RedisChannelLayer" if layer == "redis" else "RedisPubSubChannelLayer"
                    print(line(f"{name}, N={n}", latencies, missing), flush=True)
        finally:
            harness.drop_postgres_database(PG_DATABASE)


def targets(sizes: list[int], full: dict[int, float], floor: dict[int, float]) -> None:
    """The targets of the live path against the floor (one run's ratios)."""
    print("\n== Targets: the editor's answer p50 <= 2x the floor's; edit to the last of 50 sockets p99 <= 1.5x ==")
    for n in sizes:
        ours, theirs = ANSWER_P50["full", n], ANSWER_P50["floor", n]
        ratio = ours / theirs
        verdict = "met" if ratio <= 2 else "NOT met"
        print(f"N={n:<4} editor's answer p50 {ours:6.1f} ms / floor {theirs:6.1f} ms = {ratio:.2f}x  {verdict}")
    if 50 in sizes:
        ratio = full[50] / floor[50]
        verdict = "met" if ratio <= 1.5 else "NOT met"
        print(f"N=50   last socket p99      {full[50]:6.1f} ms / floor {floor[50]:6.1f} ms = {ratio:.2f}x  {verdict}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=100, help="edits per measurement (at 5/s)")
    parser.add_argument("--quick", action="store_true", help="N=10 and 50 only")
    parser.add_argument("--part", choices=["all", "embedded", "scaleout"], default="all")
    parser.add_argument("--rounds", type=int, default=1, help="scale-out rounds per layer")
    args = parser.parse_args()
    sizes = [10, 50] if args.quick else [10, 50, 200]
    if args.part in ("all", "embedded"):
        full = await embedded(args.edits, sizes)
        plain, through_django = await baseline(args.edits, sizes)
        print("\n== Full path p99 / plain relay p99 (and the floor under the full path / plain relay) ==")
        for n in sizes:
            print(
                f"N={n:<4} {full[n]:7.1f} ms / {plain[n]:7.1f} ms = {full[n] / plain[n]:.2f}x"
                f"   (floor: {through_django[n]:7.1f} ms = {through_django[n] / plain[n]:.2f}x)"
            )
        targets(sizes, full, through_django)
    if args.part in ("all", "scaleout"):
        await scale_out(args.edits, [10, 50], args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
