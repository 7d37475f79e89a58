"""Reconnect after a network cut: time from the end of the cut until all N clients show the current board.

    .venv/bin/python bench/bench_reconnect.py [--runs 20] [--cut 20] [--clients 10] [--online] [--rules page|htmx]

One daphne (SQLite + in-memory layer). N board sockets (bench/page_client.py: live.js's rules for applying frames
and reconnecting) reach it through a TCP proxy in this process. A cut drops every connection through the proxy and
refuses new ones for `--cut` seconds, like a dead Wi-Fi or a server restart seen from the browser; meanwhile an
editor posts 3 changes straight to daphne. When the cut ends, each client must reconnect, say hello with its last
seq and apply the catch-up. Per run: the time from the end of the cut until the last client has the newest seq.
Prints p50 and max over the runs, and the reconnect attempts made.

--online: the browser learns the network is back (its "online" event) when the cut ends, as on a laptop whose
Wi-Fi returns; without it, the page only has its retry delay (a server restart, a cut the OS did not notice).
--rules htmx: the htmx ws extension's own delay (random up to 2^n s), for comparison with the page's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402
from bench.page_client import PageClient, percentile, stop_all  # noqa: E402

CHANGES_DURING_CUT = 3


class CuttableProxy:
    """TCP proxy to daphne that can drop every connection and refuse new ones for a while."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.cut = False
        self.links: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self.links |= {writer, up_writer}
        await asyncio.gather(self.pipe(reader, up_writer), self.pipe(up_reader, writer), return_exceptions=True)
        self.links -= {writer, up_writer}

    async def pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()

    def drop_all(self) -> None:
        self.cut = True
        for writer in list(self.links):
            writer.transport.abort()


async def wait_current(clients: list[PageClient], seq: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(client.reached(seq) is not None for client in clients):
            return True
        await asyncio.sleep(0.01)
    return False


async def one_run(proxy, clients, editor, seed, seq: int, args) -> tuple[float | None, float | None, int]:
    attempts_before = sum(client.connects for client in clients)
    proxy.drop_all()
    for n in range(CHANGES_DURING_CUT):
        await asyncio.to_thread(editor.add_step, f"During the cut {seq + n + 1}", seed.department)
    seq += CHANGES_DURING_CUT
    await asyncio.sleep(max(0.0, args.cut - 0.05 * CHANGES_DURING_CUT))
    proxy.cut = False
    ended = time.monotonic()
    if args.online:
        for client in clients:
            client.online()
    if not await wait_current(clients, seq, 120):
        return None, None, seq
    reconnects = sum(client.connects for client in clients) - attempts_before
    assert reconnects >= len(clients), reconnects
    opened = max(min(at for at in client.connected_at if at >= ended) for client in clients) - ended
    return max(client.reached(seq) for client in clients) - ended, opened, seq


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cut", type=float, default=20.0, help="seconds the network is cut")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--online", action="store_true", help="the browser is told when the network is back")
    parser.add_argument("--rules", choices=["page", "htmx"], default="page")
    args = parser.parse_args()

    database = Path(tempfile.mkdtemp(prefix="bench-reconnect-")) / "db.sqlite3"
    env = harness.app_env(SQLITE_PATH=str(database))
    [seed] = harness.seeds(env, 1, migrate=True)
    with harness.daphnes(env, 1) as ([url], _procs):
        editor = harness.Editor(url, seed.editor, seed.journey)
        proxy = CuttableProxy(int(url.rsplit(":", 1)[1]))
        proxy_url = f"http://127.0.0.1:{await proxy.start()}"
        headers = harness.ws_headers(proxy_url, seed.viewer)  # a page served through the proxy
        clients = [
            PageClient(harness.ws_url(proxy_url, seed.journey), headers, rules=args.rules).start()
            for _n in range(args.clients)
        ]
        await asyncio.to_thread(editor.add_step, "Before the cuts", seed.department)
        seq = 1
        if not await wait_current(clients, seq, 30):
            raise SystemExit("the clients did not connect")
        times, opened_times, lost = [], [], 0
        print(
            f"{args.clients} clients, rules={args.rules}{', online event' if args.online else ''}, "
            f"cut {args.cut:.0f} s, {args.runs} runs (pid {os.getpid()})",
            flush=True,
        )
        for run in range(args.runs):
            took, opened, seq = await one_run(proxy, clients, editor, seed, seq, args)
            if took is None:
                lost += 1
                print(f"run {run + 1}: not all clients current within 120 s", flush=True)
                continue
            times.append(took)
            opened_times.append(opened)
            print(
                f"run {run + 1}: all sockets open again after {1000 * opened:.0f} ms, all current after "
                f"{1000 * took:.0f} ms",
                flush=True,
            )
            await asyncio.sleep(1)
        await stop_all(clients)
    if times:
        print(
            f"after a {args.cut:.0f} s cut, all {args.clients} clients current: "
            f"p50 {1000 * percentile(times, 50):.0f} ms,"
            f" max {1000 * max(times):.0f} ms over {len(times)} runs (all sockets open again: p50"
            f" {1000 * percentile(opened_times, 50):.0f} ms, max {1000 * max(opened_times):.0f} ms)"
            + (f"; {lost} runs did not converge within 120 s" if lost else "")
        )


if __name__ == "__main__":
    asyncio.run(main())
