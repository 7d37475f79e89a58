"""Scale-out beyond two: 3 daphne processes on PostgreSQL + Redis against 1, under the same load.

    .venv/bin/python bench/bench_scaleout.py [--seconds 60] [--sockets 600] [--journeys 12] [--rate 10]
                                             [--processes 3] [--rounds 1]

Both set-ups are the production one (DATABASE_URL, REDIS_URL, RedisChannelLayer, DEBUG off), on one database
with the same boards: `--journeys` journeys of BOARD_STEPS steps, `--sockets` board sockets spread evenly over them
(and round-robin over the processes), and `--rate` step renames per second in total, round-robin over the journeys
and posted to the processes in turn, as a load balancer would. The load is open-loop: an edit goes out on time
whether or not the earlier ones were answered.

Each socket behaves like live.js: it applies frames in seq order, waits out a gap for 1 s and then asks for a
catch-up (resync), and asks when a heartbeat announces a seq it does not have after 0.5 s. Per edit the bench
measures POST start -> the last socket of that journey has the change (a push, or a catch-up that brings it), and
counts the catch-ups the sockets needed. At each heartbeat (every BOARD_HEARTBEAT_SECONDS) it records how far the
socket is behind the seq the heartbeat announces, in changes and in seconds since the oldest one it lacks was
posted; "more than one heartbeat behind" is a socket still lacking, at a heartbeat, a seq the previous heartbeat
had announced. It also prints where the CPU went (each daphne, PostgreSQL, Redis, this client): everything runs on
one machine, the client included, so read the ratios more than the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

BOARD_STEPS = 20
PG_DATABASE = "journeyboard_scaleout_bench"
REDIS_URL = f"redis://{harness.REDIS[0]}:{harness.REDIS[1]}/12"
HEARTBEAT_SECONDS = int(os.environ.get("BOARD_HEARTBEAT_SECONDS", "15"))  # config/settings.py, live/consumers.py
GAP_WAIT, BEAT_WAIT, ASK_AGAIN = 1.0, 0.5, 1.0  # live.js: how long a gap or a heartbeat's news may wait


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")


@dataclass
class Board:
    """A journey of the bench: its viewer's session, the step it renames, and when each of its edits was posted."""

    seed: harness.Seed
    step_id: int
    seq: int  # the journey's seq when the run starts
    posted: dict[int, float] = field(default_factory=dict)  # seq -> when its POST started
    sockets: list[BoardSocket] = field(default_factory=list)


class BoardSocket:
    """One tab's board socket, applying frames as live.js does, recording when each seq became current here."""

    def __init__(self, board: Board, base_url: str) -> None:
        self.board = board
        self.url = harness.ws_url(base_url, board.seed.journey)
        self.headers = harness.ws_headers(base_url, board.seed.viewer)
        self.last = board.seq
        self.early: dict[int, int] = {}  # seq -> base, of frames that came before the ones they follow
        self.applied: dict[int, float] = {}  # seq -> when this socket had it
        self.asked_at = 0.0
        self.gap_timer: asyncio.TimerHandle | None = None
        self.hello_answered = False
        self.close_code: int | None = None
        self.connect_retries = 0
        self.reset()

    def reset(self) -> None:
        """Start counting afresh (after the warm-up)."""
        self.resyncs = {"gap": 0, "heartbeat": 0}  # catch-ups asked for after the hello, by what prompted them
        self.catchups = 0  # catch-up or snapshot frames received (after the hello's answer)
        self.beats: list[tuple[float, int, int]] = []  # each heartbeat: (when, seq it announced, seq we had)
        self.beats_missed = 0  # heartbeats at which a seq the previous heartbeat announced was still missing
        self.announced = 0

    async def open(self) -> None:
        """Connect, retrying like the htmx ws extension after a refused handshake (daphne drops one the app has
        not accepted within 5 s: a busy process)."""
        deadline = time.perf_counter() + 180
        while True:
            try:
                self.socket = await websockets.connect(self.url, additional_headers=self.headers, max_queue=None)
                break
            except (OSError, websockets.WebSocketException, TimeoutError):
                self.connect_retries += 1
                if time.perf_counter() > deadline:
                    raise
                await asyncio.sleep(0.5 + random.random() * 1.5)
        self.ask("hello")
        self.task = asyncio.create_task(self.listen())

    def ask(self, kind: str) -> None:
        self.asked_at = time.perf_counter()
        asyncio.ensure_future(self.send(json.dumps({"type": kind, "seq": self.last})))

    async def send(self, text: str) -> None:
        with suppress(websockets.ConnectionClosed):  # a timer that fired as the run ended
            await self.socket.send(text)

    def resync(self, why: str) -> None:
        if time.perf_counter() - self.asked_at > ASK_AGAIN:
            self.resyncs[why] += 1
            self.ask("resync")

    async def listen(self) -> None:
        try:
            async for message in self.socket:
                header = harness.frame_header(message[:300])
                if header:
                    self.receive(*header, time.perf_counter())
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.socket.close_code

    def receive(self, seq: int, base: int, kind: str, now: float) -> None:
        if kind == "heartbeat":
            return self.heartbeat(seq, now)
        if kind == "followup":  # the insights on top of a change: not what is measured
            return None
        if kind in ("catchup", "snapshot"):
            self.catchups += self.hello_answered
            self.hello_answered = True
        if base > self.last:
            self.early[seq] = base
            if self.gap_timer:  # as live.js: the gap must stay for GAP_WAIT after the latest early frame
                self.gap_timer.cancel()
            self.gap_timer = asyncio.get_running_loop().call_later(GAP_WAIT, lambda: self.early and self.resync("gap"))
            if len(self.early) > 20:
                self.resync("gap")
        elif seq > self.last or (seq == self.last and kind != "push"):
            self.apply(seq, now)
        return None

    def apply(self, seq: int, now: float) -> None:
        for missing in range(self.last + 1, seq + 1):
            self.applied.setdefault(missing, now)
        self.last = seq
        self.early = {key: base for key, base in self.early.items() if key > seq}
        ready = [key for key, base in self.early.items() if base <= seq]
        if ready:
            del self.early[min(ready)]
            self.apply(min(ready), now)

    def heartbeat(self, seq: int, now: float) -> None:
        self.beats.append((now, seq, self.last))
        self.beats_missed += self.announced > self.last
        self.announced = seq
        if seq > self.last:
            asyncio.get_running_loop().call_later(BEAT_WAIT, lambda: seq > self.last and self.resync("heartbeat"))

    def lags(self) -> list[tuple[int, float]]:
        """At each heartbeat: changes behind the seq it announced, and seconds since the oldest of them was posted."""
        posted = self.board.posted
        return [
            (announced - had, now - posted[had + 1] if announced > had and had + 1 in posted else 0.0)
            for now, announced, had in self.beats
        ]

    async def close(self) -> None:
        await self.socket.close()
        self.task.cancel()


# Setting up -----------------------------------------------------------------------------------------------------


def prepare_boards(env: dict[str, str], base_url: str, journeys: int) -> list[Board]:
    boards = []
    for seed in harness.seeds(env, journeys):
        editor = harness.Editor(base_url, seed.editor, seed.journey)
        for n in range(BOARD_STEPS):
            html = editor.add_step(f"Step {n}: the customer waits", seed.department)
        step_id = int(html.split('id="step-', 1)[1].split('"', 1)[0].split("-")[0])
        boards.append(Board(seed=seed, step_id=step_id, seq=BOARD_STEPS))
    return boards


def post_rename(editor: harness.Editor, step_id: int, title: str) -> int:
    """The rename's POST, as the board's form sends it; returns the change's seq (the answer's header)."""
    body = urllib.parse.urlencode({"title": title}).encode()
    request = urllib.request.Request(f"{editor.base_url}/j/{editor.journey_id}/steps/{step_id}/edit/", data=body)
    request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in editor.cookies.items()))
    request.add_header("X-CSRFToken", editor.csrf)
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        response.read()
        return int(response.headers["X-Journey-Event-Seq"])


# CPU: where the machine's time went during the load ------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_snapshot(daphne_pids: list[int]) -> dict[str, float]:
    return {
        **{f"daphne {n + 1}": cpu_seconds(pid) for n, pid in enumerate(daphne_pids)},
        "PostgreSQL": sum(cpu_seconds(pid) for pid in pids_named("postgres")),
        "Redis": sum(cpu_seconds(pid) for pid in pids_named("redis-server")),
        "bench client": time.process_time(),
    }


# Where a daphne's time goes: py-spy (not a dependency of the app: `pip install py-spy`), with --profile ---------


def profile(proc: subprocess.Popen, seconds: float, label: str) -> subprocess.Popen:
    out = harness.ROOT / "bench" / "out" / f"scaleout-{label.split()[0]}-{proc.port}.txt"
    out.parent.mkdir(exist_ok=True)
    command = ["py-spy", "record", "--nonblocking", "--format", "raw", "--rate", "50", "--pid", str(proc.pid)]
    return subprocess.Popen([*command, "--duration", str(round(seconds)), "-o", str(out)], stdout=subprocess.DEVNULL)


def print_profile(paths: list[str]) -> None:
    """Share of the busy samples that each function of ours appears in (the top 25), and how many wait on
    PostgreSQL's answer (psycopg's Connection.wait): where a process's time goes."""
    total, inclusive = 0, Counter()
    for path in paths:
        for line in Path(path).read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            total += int(count)
            inclusive.update(dict.fromkeys({ours(frame) for frame in stack.split(";")} - {""}, int(count)))
    print(f"-- profile: {total} busy samples over {len(paths)} process(es); functions of ours, and waits")
    for name, count in inclusive.most_common(26):
        print(f"{100 * count / total:5.1f}%  {name}")


def ours(frame: str) -> str:
    """`function (app/module.py)` for a frame in the project's code, the PostgreSQL wait, or ""."""
    function, _, where = frame.partition(" (")
    path = where.split(":")[0]
    if path.endswith("psycopg/connection.py") and function == "Connection.wait":
        return "waiting for PostgreSQL (psycopg Connection.wait)"
    if path.split("/")[0] not in OUR_PACKAGES:  # py-spy names a file relative to its sys.path entry
        return ""
    return f"{function} ({path})"


OUR_PACKAGES = {entry.name for entry in harness.ROOT.iterdir() if (entry / "__init__.py").exists()}


# One run --------------------------------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    latencies: list[float]  # ms, complete edits only
    incomplete: int
    post_ms: list[float]
    failed: list[str]
    resyncs: dict[str, int]
    catchups: int
    beats: list[tuple[int, float]]
    beats_missed: int
    sockets_behind_twice: int
    closed: int
    cpu: dict[str, float]
    seconds: float


async def open_sockets(boards: list[Board], urls: list[str], count: int) -> list[BoardSocket]:
    sockets = []
    for index in range(count):
        board = boards[index % len(boards)]
        socket = BoardSocket(board, urls[index % len(urls)])
        board.sockets.append(socket)
        sockets.append(socket)
    for start in range(0, count, 25):  # a browser-like ramp, not a thundering herd
        await asyncio.gather(*(socket.open() for socket in sockets[start : start + 25]))
    return sockets


async def drive(
    boards: list[Board], editors: list[list[harness.Editor]], rate: float, seconds: float
) -> tuple[list[float], list[str]]:
    """Open-loop: edit i goes out at start + i / rate, to journey i % journeys; each journey's edits go to the
    processes in turn. Returns how long each POST took to answer, and why those that failed did."""
    post_ms: list[float] = []
    failed: list[str] = []

    async def one(i: int) -> None:
        board, editor = boards[i % len(boards)], editors[i // len(boards) % len(editors)][i % len(boards)]
        started = time.perf_counter()
        try:
            seq = await asyncio.to_thread(post_rename, editor, board.step_id, f"Renamed {i}")
        except urllib.error.HTTPError as error:
            failed.append(f"HTTP {error.code}")
            return
        except OSError as error:  # refused, reset or timed out
            failed.append(type(error).__name__)
            return
        board.posted[seq] = started
        post_ms.append(1000 * (time.perf_counter() - started))

    tasks, start = [], time.perf_counter()
    for i in range(round(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    return post_ms, failed


def latencies_of(boards: list[Board]) -> tuple[list[float], int]:
    latencies, incomplete = [], 0
    for board in boards:
        for seq, started in board.posted.items():
            arrivals = [socket.applied.get(seq) for socket in board.sockets]
            if None in arrivals:
                incomplete += 1
            else:
                latencies.append(1000 * (max(arrivals) - started))
    return latencies, incomplete


async def run_load(env: dict[str, str], boards: list[Board], processes: int, args: argparse.Namespace) -> Result:
    label = f"{processes} daphne process{'es' if processes > 1 else ''}"
    print(f"\n== {label}: {args.sockets} sockets over {len(boards)} journeys, {args.rate:g} edits/s ==", flush=True)
    with harness.daphnes(env, processes) as (urls, procs):
        try:
            return await measure(env, boards, urls, procs, label, args)
        except Exception:
            for proc in procs:
                print(f"-- log of daphne on port {proc.port}:\n{harness.log_of(proc)[-4000:]}", file=sys.stderr)
            raise


async def measure(
    env: dict[str, str], boards: list[Board], urls: list[str], procs: list, label: str, args: argparse.Namespace
) -> Result:
    editors = await asyncio.to_thread(
        lambda: [[harness.Editor(url, b.seed.editor, b.seed.journey) for b in boards] for url in urls]
    )
    for board in boards:
        board.sockets, board.posted = [], {}
    opened = time.perf_counter()
    sockets = await open_sockets(boards, urls, args.sockets)
    retries = sum(socket.connect_retries for socket in sockets)
    print(f"{len(sockets)} sockets open in {time.perf_counter() - opened:.1f} s, {retries} handshakes retried")
    await asyncio.sleep(args.settle)
    # Each process renders a change of each journey before the clock starts (templates, caches, connections).
    warmup_rate = max(args.rate, 10)
    await drive(boards, editors, warmup_rate, max(args.warmup, len(boards) * len(urls) / warmup_rate))
    await asyncio.sleep(5)  # the warm-up's catch-ups answered before counting starts
    for board in boards:
        board.posted = {}
    for socket in sockets:
        socket.reset()
    profilers = [profile(proc, args.seconds, label) for proc in procs] if args.profile else []
    before = cpu_snapshot([proc.pid for proc in procs])
    started = time.perf_counter()
    post_ms, failed = await drive(boards, editors, args.rate, args.seconds)
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and latencies_of(boards)[1]:
        await asyncio.sleep(0.1)
    elapsed = time.perf_counter() - started
    after = cpu_snapshot([proc.pid for proc in procs])
    for profiler in profilers:
        profiler.wait()
    if profilers:
        print_profile([profiler.args[-1] for profiler in profilers])
    latencies, incomplete = latencies_of(boards)
    closed = sum(socket.close_code is not None for socket in sockets)
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)
    for board in boards:
        board.seq = max([board.seq, *board.posted])
    return Result(
        label=label,
        latencies=latencies,
        incomplete=incomplete,
        post_ms=post_ms,
        failed=failed,
        resyncs={why: sum(socket.resyncs[why] for socket in sockets) for why in ("gap", "heartbeat")},
        catchups=sum(socket.catchups for socket in sockets),
        beats=[lag for socket in sockets for lag in socket.lags()],
        beats_missed=sum(socket.beats_missed for socket in sockets),
        sockets_behind_twice=sum(socket.beats_missed > 0 for socket in sockets),
        closed=closed,
        cpu={name: after[name] - before[name] for name in after},
        seconds=elapsed,
    )


# Report ---------------------------------------------------------------------------------------------------------


def report(results: list[Result], sockets: int) -> None:
    print("\n== Edit to the last socket of its journey (ms), POST answer (ms), catch-ups, lag at heartbeats ==")
    print(
        f"{'':<22}{'edits':>6}{'p50':>9}{'p99':>9}{'max':>9}{'POST p50':>10}{'POST p99':>10}"
        f"{'resyncs':>9}{'catch-ups':>11}{'beats':>7}{'lag p99':>9}{'lag max':>9}{'>1 beat':>9}"
    )
    for r in results:
        lags = [seconds for _behind, seconds in r.beats]
        print(
            f"{r.label:<22}{len(r.latencies):>6}{percentile(r.latencies, 50):>9.1f}{percentile(r.latencies, 99):>9.1f}"
            f"{max(r.latencies, default=float('nan')):>9.1f}{percentile(r.post_ms, 50):>10.1f}"
            f"{percentile(r.post_ms, 99):>10.1f}{sum(r.resyncs.values()):>9}{r.catchups:>11}{len(r.beats):>7}"
            f"{percentile(lags, 99):>8.2f}s{max(lags, default=0):>8.2f}s{r.sockets_behind_twice:>9}"
        )
        behind = [changes for changes, _seconds in r.beats]
        notes = [
            f"changes behind at a heartbeat: p50 {percentile(behind, 50)}, p99 {percentile(behind, 99)}, "
            f"max {max(behind, default=0)}",
            f"resyncs after a gap {r.resyncs['gap']}, after a heartbeat {r.resyncs['heartbeat']}",
        ]
        if r.failed:
            reasons = ", ".join(f"{reason} x{r.failed.count(reason)}" for reason in sorted(set(r.failed)))
            notes.append(f"{len(r.failed)} POSTs failed ({reasons})")
        if r.incomplete:
            notes.append(f"{r.incomplete} edits never reached every socket of their journey")
        if r.closed:
            notes.append(f"{r.closed} of {sockets} sockets closed during the run")
        print(f"{'':<22}" + "; ".join(notes))
    print("\n== CPU seconds during the load (wall time in brackets) ==")
    for r in results:
        parts = ", ".join(f"{name} {seconds:.1f}" for name, seconds in r.cpu.items())
        print(f"{r.label:<22}{parts}   ({r.seconds:.0f} s, {sum(r.cpu.values()) / r.seconds:.2f} cores busy)")
    pooled: dict[str, list[float]] = {}
    for r in results:
        pooled.setdefault(r.label, []).extend(r.latencies)
    if len(pooled) == 2:
        (one, one_latencies), (many, many_latencies) = pooled.items()
        ratio = percentile(many_latencies, 99) / percentile(one_latencies, 99)
        rounds = len(results) // 2
        print(f"\n{many} p99 / {one} p99 = {ratio:.2f}x over {rounds} round(s) (target <= 1.5x)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long the load runs per set-up")
    parser.add_argument("--sockets", type=int, default=600)
    parser.add_argument("--journeys", type=int, default=12)
    parser.add_argument("--rate", type=float, default=10, help="edits per second, in total")
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1, help="1 process then N, this many times")
    parser.add_argument("--profile", action="store_true", help="sample each daphne with py-spy during the load")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of edits before measuring")
    parser.add_argument("--settle", type=float, default=5, help="seconds between the last socket open and the load")
    args = parser.parse_args()
    # Open-loop POSTs each wait in a thread: enough of them that a slow answer never delays the next edit.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=64))
    if not (harness.reachable(harness.POSTGRES) and harness.reachable(harness.REDIS)):
        print("PostgreSQL or Redis is not reachable on 127.0.0.1: the scale-out bench needs both")
        return
    env = harness.app_env(
        DATABASE_URL=harness.fresh_postgres_database(PG_DATABASE),
        REDIS_URL=REDIS_URL,
        REDIS_PREFIX=f"scaleoutbench{os.getpid()}",
    )
    try:
        harness.manage(env, "migrate", "-v0")
        with harness.daphnes(env, 1) as (urls, _procs):
            boards = await asyncio.to_thread(prepare_boards, env, urls[0], args.journeys)
        results = []
        for _round in range(args.rounds):
            for processes in (1, args.processes):
                results.append(await run_load(env, boards, processes, args))
        report(results, args.sockets)
    finally:
        harness.drop_postgres_database(PG_DATABASE)


if __name__ == "__main__":
    asyncio.run(main())
