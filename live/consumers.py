"""The journey socket: pushes out, a hello (or resync request) in. No business logic and no ORM here.

Changes travel as HTTP POST; the socket only forwards frames from live.broadcast and answers
`{"type": "hello"|"resync", "seq": <last applied>}` with a catch-up. A consumer handles one message at a time, so
nothing slow happens in `receive`: the catch-up comes from a cache keyed by journey version. The URL names the page
the socket serves (`/ws/j/<id>/` the board, `/ws/j/<id>/mirror/` ...): it is sent only what that page shows.

Catch-up requests are budgeted per socket (a burst, then one every few seconds). One past the budget is never left
unanswered: the socket answers the latest one as soon as the budget allows. Frames sent faster than that for long
(a page does not) close the socket.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import suppress
from http.cookies import SimpleCookie
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation

from live import account, broadcast, close_codes, presence

# Close codes (live.close_codes). A flood of catch-up requests is closed like a flood of frames: 4029, final. Not
# 1008: autobahn (under daphne) refuses to send it, raises, and the socket ends with 1011, which pages retry.
NOT_ALLOWED = close_codes.NOT_ALLOWED
TOO_MANY_REQUESTS = close_codes.TOO_MANY_FRAMES
# Requests past the budget still waiting for their answer before the socket is closed as misbehaving.
MAX_DEFERRED_REQUESTS = 20

# Handlers that forward a frame without touching the database: they skip Channels' per-message
# close_old_connections, a thread hop per recipient per broadcast.
DB_FREE_HANDLERS = frozenset({"board.push", "board.followup", "board.presence"})


class HelloBudget:
    """Token bucket for hello/resync requests: a burst of `burst`, then one every `refill_seconds`."""

    def __init__(self, burst: int = 5, refill_seconds: float = 2.0) -> None:
        self.burst = burst
        self.refill_seconds = refill_seconds
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) / self.refill_seconds)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def wait_seconds(self) -> float:
        """How long until the next request may be answered."""
        return max(0.0, (1 - self.tokens) * self.refill_seconds)


def language_for_scope(scope: dict[str, Any]) -> str:
    """The language the board page was served in: the language cookie, then Accept-Language, then the default."""
    headers = dict(scope.get("headers", []))
    cookies = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    candidates = [chosen.value] if chosen else []
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    candidates += [code for code, _q in translation.trans_real.parse_accept_lang_header(accept)]
    for candidate in candidates:
        with suppress(LookupError):
            return translation.get_supported_language_variant(candidate)
    return settings.LANGUAGE_CODE


def requested_seq(text: str) -> int | None:
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") not in ("hello", "resync"):
        return None
    seq = message.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0 else None


class BoardConsumer(account.EndsWithAccess, AsyncWebsocketConsumer):
    journey_id: int
    page = "board"
    watching = False
    heartbeat_task: asyncio.Task | None = None
    presence_task: asyncio.Task | None = None
    deferred_task: asyncio.Task | None = None
    deferred_since: int | None = None  # the latest catch-up request past the budget, answered when it allows
    deferred_count = 0

    async def dispatch(self, message: dict[str, Any]) -> None:
        if message["type"] in DB_FREE_HANDLERS:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def connect(self) -> None:
        self.journey_id = int(self.scope["url_route"]["kwargs"]["journey_id"])
        self.page = self.scope["url_route"]["kwargs"].get("page", "board")
        self.language = language_for_scope(self.scope)
        self.budget = HelloBudget()
        # Accept before refusing: a refused handshake looks like 1006 to the browser, which then retries forever.
        await self.accept()
        # One trip to the database thread: every socket's ORM work shares that one thread.
        if not await database_sync_to_async(presence.arrive)(
            journey_id=self.journey_id,
            user=self.scope.get("user"),
            channel_name=self.channel_name,
            language=self.language,
            page=self.page,
        ):
            await self.close(code=NOT_ALLOWED)
            return
        await broadcast.join(self.journey_id, self.language, self.page, self.channel_name)
        await self.follow_account()
        self.watching = True
        self.heartbeat_task = asyncio.create_task(self.beat())
        self.presence_task = asyncio.create_task(broadcast.presence_changed(self.journey_id))

    async def disconnect(self, code: int) -> None:
        for task in (self.heartbeat_task, self.deferred_task):
            if task:
                task.cancel()
        if not self.watching:
            return
        self.watching = False
        await broadcast.leave(self.journey_id, self.language, self.page, self.channel_name)
        await self.leave_account()
        await database_sync_to_async(presence.depart)(channel_name=self.channel_name)
        await broadcast.presence_changed(self.journey_id)  # awaited: the consumer is about to stop

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        since = requested_seq(text_data or "")
        if not self.watching or since is None:
            return
        if self.budget.take():
            await self.answer(since)
        else:
            await self.defer(since)

    async def answer(self, since: int) -> None:
        html = await database_sync_to_async(broadcast.catch_up)(
            journey_id=self.journey_id, since=since, language=self.language, page=self.page
        )
        await self.send(text_data=html)

    async def defer(self, since: int) -> None:
        """Past the budget: answer the oldest seq asked for once the budget allows (one answer covers them all)."""
        self.deferred_count += 1
        if self.deferred_count > MAX_DEFERRED_REQUESTS:
            await self.close(code=TOO_MANY_REQUESTS)
            return
        self.deferred_since = since if self.deferred_since is None else min(self.deferred_since, since)
        if self.deferred_task is None or self.deferred_task.done():
            self.deferred_task = asyncio.create_task(self.answer_deferred())

    async def answer_deferred(self) -> None:
        await asyncio.sleep(self.budget.wait_seconds())
        self.budget.take()
        since, self.deferred_since, self.deferred_count = self.deferred_since, None, 0
        if since is not None and self.watching:
            await self.answer(since)

    async def board_push(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["html"])

    async def board_followup(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["html"])

    async def board_presence(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["html"])

    async def beat(self) -> None:
        """Tell the browser the current seq now and then, so a silently dropped push is noticed."""
        while True:
            await asyncio.sleep(settings.BOARD_HEARTBEAT_SECONDS)
            try:
                seq, pruned = await database_sync_to_async(account.still_watching)(
                    journey_id=self.journey_id, scope=self.scope, channel_name=self.channel_name
                )
            except presence.NoLongerWatching:  # logged out or removed since connecting: no more pushes
                await self.close(code=NOT_ALLOWED)
                return
            await self.send(text_data=broadcast.frame(kind="heartbeat", seq=seq, base=seq))
            # Re-joining refreshes the membership, so the layer's group_expiry can be short: a killed process's
            # sockets leave the group within minutes, live ones never hit the 24-hour cliff.
            await broadcast.join(self.journey_id, self.language, self.page, self.channel_name)
            await self.follow_account()
            if pruned:
                await broadcast.presence_changed(self.journey_id)
