"""A budget for what a browser may send on any of our sockets, enforced in front of the consumers (ASGI middleware).

Why not in the consumer: daphne puts every frame it reads into an unbounded queue for the application, a whole read
(dozens of frames) per event-loop turn, while a Channels consumer takes one message per turn. A client sending
frames flat out therefore grows the server without limit whatever the consumer does with them (measured: +720 MB
in 10 s). The gate here empties daphne's queue as fast as daphne fills it, charges each frame to two token buckets
(frames and bytes per 10 seconds), and passes on only what is within budget. A frame over
WEBSOCKET_MAX_FRAME_BYTES or past the budget closes the socket (FRAME_TOO_BIG, TOO_MANY_FRAMES), logged once;
everything after that is dropped on arrival until daphne reports the disconnect.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

from live import close_codes

logger = logging.getLogger(__name__)

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

BUDGET_SECONDS = 10.0
# Frames within budget that the consumer has not taken yet; more means it is stuck, and the socket is closed.
INBOX_LIMIT = 64


class TokenBucket:
    """`capacity` tokens, refilled evenly over `per_seconds`: a burst of `capacity`, then capacity/per_seconds."""

    def __init__(self, capacity: float, per_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = capacity
        self.rate = capacity / per_seconds
        self.tokens = float(capacity)
        self.clock = clock
        self.stamp = clock()

    def has(self, amount: float) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens >= amount

    def take(self, amount: float) -> None:
        self.tokens -= amount


class FrameBudget:
    """Frames and bytes a socket may send per BUDGET_SECONDS."""

    def __init__(self, *, frames: int, bytes_: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.frames = TokenBucket(frames, BUDGET_SECONDS, clock)
        self.bytes = TokenBucket(bytes_, BUDGET_SECONDS, clock)

    def spend(self, size: int) -> bool:
        if not (self.frames.has(1) and self.bytes.has(size)):
            return False
        self.frames.take(1)
        self.bytes.take(size)
        return True


def frame_size(message: Message) -> int:
    text = message.get("text")
    if text is None:
        return len(message.get("bytes") or b"")
    # More characters than the limit is more bytes too: a huge text is not encoded just to be refused.
    return len(text) if len(text) > settings.WEBSOCKET_MAX_FRAME_BYTES else len(text.encode())


class FrameGate:
    """One socket's gate between daphne's queue (`upstream`) and the consumer."""

    def __init__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        self.scope = scope
        self.upstream = receive
        self.downstream = send
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.budget = FrameBudget(frames=settings.WEBSOCKET_FRAMES_PER_10S, bytes_=settings.WEBSOCKET_BYTES_PER_10S)
        self.closed = False

    async def pump(self) -> None:
        while True:
            message = await self.upstream()
            if message["type"] == "websocket.receive":
                if self.closed:
                    continue
                refusal = self.refusal(message)
                if refusal is not None:
                    await self.close(*refusal)
                    continue
            self.inbox.put_nowait(message)
            if message["type"] == "websocket.disconnect":
                return

    def refusal(self, message: Message) -> tuple[int, str] | None:
        size = frame_size(message)
        if size > settings.WEBSOCKET_MAX_FRAME_BYTES:
            return close_codes.FRAME_TOO_BIG, f"a frame of {size} bytes (limit {settings.WEBSOCKET_MAX_FRAME_BYTES})"
        if not self.budget.spend(size):
            frames, bytes_ = self.budget.frames.capacity, self.budget.bytes.capacity
            return close_codes.TOO_MANY_FRAMES, f"over {frames:.0f} frames or {bytes_:.0f} bytes per 10 s"
        if self.inbox.qsize() >= INBOX_LIMIT:
            return close_codes.TOO_MANY_FRAMES, f"{INBOX_LIMIT} frames waiting for the consumer"
        return None

    async def close(self, code: int, reason: str) -> None:
        user = self.scope.get("user")
        who = f"user {user.pk}" if user is not None and user.is_authenticated else "a visitor"
        logger.warning("Closed the socket of %s on %s with %s: %s", who, self.scope.get("path"), code, reason)
        await self.send({"type": "websocket.close", "code": code})

    async def receive(self) -> Message:
        return await self.inbox.get()

    async def send(self, message: Message) -> None:
        if self.closed:  # closing: autobahn refuses anything more, and the consumer need not know
            return
        if message["type"] == "websocket.close":
            self.closed = True
        await self.downstream(message)


class FrameBudgetMiddleware:
    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        gate = FrameGate(scope, receive, send)
        pump = asyncio.create_task(gate.pump())
        try:
            await self.app(scope, gate.receive, gate.send)
        finally:
            pump.cancel()
