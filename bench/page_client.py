"""A board socket client that follows live.js's rules, for benches that need browsers without the browser.

What it copies from live/static/live/live.js (keep them in step):
- on open: `{"type": "hello", "seq": last}`;
- a frame applies when it follows on from the last applied (base <= last < seq); one that comes early waits in a
  buffer and applies when the gap fills; a gap that stays for 1 s, or more than 20 frames waiting, asks for a
  catch-up (`resync`), at most one a second;
- a heartbeat announcing a seq beyond ours asks for a catch-up after 0.5 s if no push brought it meanwhile;
- after a close that is not final (4009, 4029, 4403, 4404) it reconnects after 0.5-2 s (jittered), and again after
  each failed attempt; `online()` reconnects within 0-0.5 s, as the page does on the browser's "online" event.

`rules="htmx"` replaces the reconnect delay with the htmx ws extension's own (random up to 2^n s, n up to 6) for a
before/after comparison.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from contextlib import suppress

import websockets

from bench import harness

FINAL = {4009, 4029, 4403, 4404}
GAP_WAIT = 1.0
EARLY_LIMIT = 20
HEARTBEAT_GRACE = 0.5
RESYNC_SPACING = 1.0


class PageClient:
    def __init__(self, url: str, headers: list[tuple[str, str]], *, seq: int = 0, rules: str = "page") -> None:
        self.url = url
        self.headers = headers
        self.last = seq
        self.rules = rules
        self.early: dict[int, tuple[int, str]] = {}  # seq -> (base, kind)
        self.asked_at = 0.0
        self.resyncs = 0
        self.early_frames = 0  # frames that came before the ones they follow, and waited
        self.connects = 0
        self.connected_at: list[float] = []
        self.socket = None
        self.gap_timer: asyncio.TimerHandle | None = None
        self.current_at: dict[int, float] = {}  # seq -> when it was first applied
        self.stopped = False
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None

    def start(self) -> PageClient:
        self.task = asyncio.create_task(self.run())
        return self

    def delay(self, attempt: int) -> float:
        if self.rules == "htmx":
            return random.random() * 1000 * 2 ** min(attempt, 6) / 1000
        return 0.5 + random.random() * 1.5

    async def run(self) -> None:
        attempt = 0
        while not self.stopped:
            try:
                async with websockets.connect(self.url, additional_headers=self.headers, max_queue=None) as socket:
                    self.socket = socket
                    self.connects += 1
                    self.connected_at.append(time.monotonic())
                    attempt = 0
                    await self.send("hello")
                    async for message in socket:
                        self.receive(message)
                    code = socket.close_code
            except (OSError, websockets.InvalidHandshake, websockets.ConnectionClosed, TimeoutError):
                code = 1006
            self.socket = None
            if code in FINAL or self.stopped:
                return
            attempt += 1
            self.wake.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.delay(attempt))

    def online(self) -> None:
        """The browser's "online" event: the page reconnects after 0-0.5 s."""
        asyncio.get_running_loop().call_later(random.random() * 0.5, self.reconnect_now)

    def reconnect_now(self) -> None:
        if self.socket is not None:
            self.socket.transport.abort()  # an open socket is replaced, as live.js does
        self.wake.set()

    async def send(self, kind: str) -> None:
        self.asked_at = time.monotonic()
        if kind == "resync":
            self.resyncs += 1
        with suppress(websockets.ConnectionClosed):
            await self.socket.send(json.dumps({"type": kind, "seq": self.last}))

    def resync(self) -> None:
        if self.socket is not None and time.monotonic() - self.asked_at > RESYNC_SPACING:
            asyncio.get_running_loop().create_task(self.send("resync"))

    def receive(self, message: str) -> None:
        header = harness.frame_header(message[:300])
        if header is None:
            return  # presence
        seq, base, kind = header
        loop = asyncio.get_running_loop()
        if kind == "heartbeat":
            if seq > self.last:
                loop.call_later(HEARTBEAT_GRACE, lambda: seq > self.last and self.resync())
        elif kind == "followup":
            return
        elif base > self.last:
            self.early[seq] = (base, kind)
            self.early_frames += 1
            if self.gap_timer:
                self.gap_timer.cancel()
            self.gap_timer = loop.call_later(GAP_WAIT, lambda: self.early and self.resync())
            if len(self.early) > EARLY_LIMIT:
                self.resync()
        elif seq > self.last or (seq == self.last and kind != "push"):
            self.apply(seq)

    def apply(self, seq: int) -> None:
        self.last = seq
        self.current_at.setdefault(seq, time.monotonic())
        self.early = {key: value for key, value in self.early.items() if key > seq}
        while self.early:
            following = min(self.early)
            base, _kind = self.early[following]
            if base > self.last:
                return
            del self.early[following]
            self.last = following
            self.current_at.setdefault(following, time.monotonic())

    def reached(self, seq: int) -> float | None:
        """When this client first showed `seq` or later."""
        times = [at for applied, at in self.current_at.items() if applied >= seq]
        return min(times) if times else None

    async def stop(self) -> None:
        self.stopped = True
        self.wake.set()
        if self.socket is not None:
            with suppress(Exception):
                await self.socket.close()
        if self.task:
            with suppress(Exception):
                await self.task


async def stop_all(clients: list[PageClient]) -> None:
    for client in clients:
        await client.stop()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]
