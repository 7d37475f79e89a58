"""Memory of daphne while a member floods a board socket with 2 KB frames.

    .venv/bin/python bench/bench_socket_flood.py [--seconds 10] [--frame-bytes 2000]

Starts the app on loopback (one daphne, the same flags as `make run`, a scratch SQLite file), opens a board socket
as a member and sends frames of `--frame-bytes` as fast as this client can for `--seconds`; when the server closes
the socket, the flooder opens a new one and goes on (an attacker would). Prints daphne's RSS before, the peak
sampled every 50 ms, and after; the close codes the server sent; and how long each socket lasted. Then checks that
the board still answers an honest socket (a hello gets its catch-up).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402


class PeakRss(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, harness.rss_mb(self.pid))
            time.sleep(0.05)


async def flood_once(url: str, headers: list[tuple[str, str]], frame: str, until: float) -> tuple[int, int, float]:
    """One socket flooded until the server closes it or time is up: (frames sent, close code, seconds open)."""
    opened = time.monotonic()
    sent = 0
    async with websockets.connect(url, additional_headers=headers, max_queue=None) as socket:
        try:
            while time.monotonic() < until:
                await socket.send(frame)
                sent += 1
                if sent % 64 == 0:
                    await asyncio.sleep(0)  # let the client notice a close frame
            await socket.close()
        except websockets.ConnectionClosed:
            pass
        code = socket.close_code if socket.close_code is not None else -1
    return sent, code, time.monotonic() - opened


async def honest_hello(url: str, headers: list[tuple[str, str]]) -> bool:
    async with websockets.connect(url, additional_headers=headers) as socket:
        await socket.send(json.dumps({"type": "hello", "seq": 0}))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = await asyncio.wait_for(socket.recv(), timeout=5)
            header = harness.frame_header(message[:300])
            if header and header[2] in ("catchup", "snapshot"):
                return True
    return False


async def run(seconds: float, frame_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = harness.app_env(SQLITE_PATH=str(Path(tmp) / "flood.sqlite3"))
        harness.manage(env, "migrate", "-v0")
        seed = harness.seed(env)
        with harness.daphnes(env) as (urls, procs):
            base, pid = urls[0], procs[0].pid
            url = harness.ws_url(base, seed.journey)
            headers = harness.ws_headers(base, seed.editor)
            assert await honest_hello(url, headers), "the board socket does not answer before the flood"
            await asyncio.sleep(1)
            before = harness.rss_mb(pid)
            sampler = PeakRss(pid)
            sampler.start()
            frame = json.dumps({"type": "hello", "seq": 0, "pad": "x" * max(0, frame_bytes - 40)})
            until = time.monotonic() + seconds
            sockets: list[tuple[int, int, float]] = []
            while time.monotonic() < until:
                sockets.append(await flood_once(url, headers, frame, until))
            await asyncio.sleep(2)  # let daphne finish the closing handshakes
            sampler.running = False
            after = harness.rss_mb(pid)
            still_serving = await honest_hello(url, headers)
    sent = sum(frames for frames, _code, _open in sockets)
    codes = Counter(code for _frames, code, _open in sockets)
    longest = max(open_for for _frames, _code, open_for in sockets)
    print(f"flood: {seconds:.0f} s of {len(frame):,}-byte frames, {sent:,} frames sent on {len(sockets)} socket(s)")
    print(f"close codes from the server: {dict(codes)} (-1: still open when the flood stopped)")
    print(f"longest a flooded socket stayed open: {longest:.2f} s")
    print(f"daphne RSS: before {before:.1f} MB, peak {sampler.peak:.1f} MB, after {after:.1f} MB")
    print(f"growth: {after - before:+.1f} MB after, {sampler.peak - before:+.1f} MB at the peak (goal: < 20 MB)")
    print(f"an honest socket gets its catch-up afterwards: {'yes' if still_serving else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--frame-bytes", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(run(args.seconds, args.frame_bytes))


if __name__ == "__main__":
    main()
