"""After the answer, off the request: the push of each change to the sockets, its follow-ups and its doorbells.

`on_journey_changed` hears of a committed change (`journeys.changes.journey_changed`) in the thread that committed
it. Inside an HTTP request the change waits until the answer has gone out (`request_finished`, which Django sends
once the response is sent): the person who made the change never waits for the others to get it. Then it is handed
off: under daphne (and in async tests) the thread works for an event loop (asgiref's sync_to_async), and the change
is queued on that loop. One worker task per loop takes its queue in order: it renders the push of each change in
the fan-out thread (once per language and page, shared by every socket of that group and by the author's answer,
see live.fragments.event_parts), sends it, then renders and sends the follow-ups and doorbells. One queue and one
worker: pushes leave in the order their changes were handed off, and the changes of one journey waiting together
leave in seq order, so the sequence numbers stay the truth (a frame lost anyway is caught up from the event log,
see live.broadcast).

Without an event loop behind the thread (a management command, a shell, a sync test) the push is made right away,
in that thread, as before.

Tests that wait for a push need not sleep: `await drained()` returns once this loop's queue is empty and sent.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async

from journeys.models import Event
from live import broadcast

logger = logging.getLogger(__name__)

# One thread renders the pushes of this process, beside the request threads and the sockets' database thread: a
# storm of heartbeats or catch-ups does not delay a push, nor a push the next request.
_RENDER_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fanout")


@dataclass
class Queue:
    events: deque[Event] = field(default_factory=deque)
    worker: asyncio.Task | None = None
    idle: asyncio.Event = field(default_factory=asyncio.Event)


_queues: dict[asyncio.AbstractEventLoop, Queue] = {}


def serving_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this sync thread is working for (daphne's, a test's), if any: asgiref's async_to_sync finds
    it the same way."""
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(local, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() and not loop.is_closed() else None


# The changes committed during the request being served, waiting for its answer to go out (None: not serving a
# request, hand off at once). A context variable, not a thread's: Django may close the response in another thread
# than the view's, and asgiref carries context variables across (and back from) its threads.
_waiting: contextvars.ContextVar[list[Event] | None] = contextvars.ContextVar("changes_waiting", default=None)


def on_request_started(**kwargs: Any) -> None:
    _waiting.set([])


def on_request_finished(**kwargs: Any) -> None:
    waiting = _waiting.get() or []
    _waiting.set(None)
    events, waiting[:] = list(waiting), []
    for event in events:
        hand_off(event)


def on_journey_changed(sender: Any, event: Event, **kwargs: Any) -> None:
    """Receiver of `journeys.changes.journey_changed`: the change is committed."""
    waiting = _waiting.get()
    if waiting is None:
        hand_off(event)
    else:
        waiting.append(event)


# Work a change sets off that nobody waits for (the dashboard's figures, the insights panel rendered ahead): after the
# push, off the request. A job brings what it keeps of one journey up to date with that journey as it is now, so a run
# of changes to one journey (a burst of edits, a demo being built) needs it once: it gets the run's changes of that
# journey, in seq order.
AfterPush = Callable[[list[Event]], None]
_after_push: list[AfterPush] = []


@dataclass
class RunOfChanges:
    """Changes made from sync code whose doorbells and after-push jobs wait for the run's end."""

    events: list[Event] = field(default_factory=list)
    doorbells: list[broadcast.Message] = field(default_factory=list)


_run_of_changes: contextvars.ContextVar[RunOfChanges | None] = contextvars.ContextVar("run_of_changes", default=None)


def register_after_push(job: AfterPush) -> None:
    """Run `job(changes)` after the push of every committed change, or of a run of them, with that run's changes of
    one journey; in the fan-out thread (at once where there is no event loop). A failure is logged; it never touches
    the changes or their pushes."""
    if job not in _after_push:
        _after_push.append(job)


def _run_after_push(events: list[Event]) -> None:
    by_journey: dict[int, list[Event]] = {}
    for event in events:
        by_journey.setdefault(event.journey_id, []).append(event)
    for changes in by_journey.values():
        for job in _after_push:
            try:
                job(changes)
            except Exception:
                logger.exception(
                    "%s failed after event %s of journey %s", job.__name__, changes[-1].pk, changes[-1].journey_id
                )


@contextmanager
def one_run_of_changes() -> Iterator[None]:
    """Many changes made from sync code (a management command building journeys): each is pushed as it commits; the
    doorbells ring once per group, and the after-push jobs run once per journey, at the end."""
    run = RunOfChanges()
    token = _run_of_changes.set(run)
    try:
        yield
    finally:
        _run_of_changes.reset(token)
        broadcast.ring_once(run.doorbells)
        _run_after_push(run.events)


def hand_off(event: Event) -> None:
    """Queue the push of a committed change on the serving loop, or make it now when there is none. The change
    stands whatever happens here: a failure is logged, and open pages catch up from the event log."""
    try:
        loop = serving_loop()
        if loop is None:
            run = _run_of_changes.get()
            broadcast.push(event, doorbells=run is None)
            if run is None:
                _run_after_push([event])
            else:
                run.doorbells += broadcast.doorbell_messages(event)
                run.events.append(event)
            return
        # A context of its own: the request's (its thread-sensitive executor, its language) ends with the request.
        loop.call_soon_threadsafe(_enqueue, event, context=contextvars.Context())
    except Exception:
        logger.exception("Could not push event %s of journey %s", event.pk, event.journey_id)


def _enqueue(event: Event) -> None:
    queue = _queues.setdefault(asyncio.get_running_loop(), Queue())
    queue.events.append(event)
    queue.idle.clear()
    if queue.worker is None or queue.worker.done():
        queue.worker = asyncio.create_task(_work(queue))


async def _work(queue: Queue) -> None:
    while queue.events:
        batch = in_seq_order(list(queue.events))
        queue.events.clear()
        for event in batch:
            await _push(event)
        if _after_push:  # once for the changes waiting together (a burst), after all their pushes
            await _in_render_thread(_run_after_push)(batch)
    queue.idle.set()
    _queues.pop(asyncio.get_running_loop(), None)


def in_seq_order(events: list[Event]) -> list[Event]:
    """The events in the order they came, except that each journey's come in seq order (two requests may hand off
    in the other order than they committed)."""
    by_journey: dict[int, list[Event]] = {}
    for event in events:
        by_journey.setdefault(event.journey_id, []).append(event)
    ordered = {journey: iter(sorted(group, key=lambda e: e.seq)) for journey, group in by_journey.items()}
    return [next(ordered[event.journey_id]) for event in events]


async def _push(event: Event) -> None:
    """The push first, then the follow-ups: the other sockets see the change before the costlier parts derived from
    it. The change is committed whatever happens here: a failure is logged, and open pages catch up."""
    try:
        for render in (broadcast.push_messages, broadcast.follow_up_messages):
            await broadcast.send_messages(await _in_render_thread(render)(event))
    except Exception:
        logger.exception("Could not push event %s of journey %s", event.pk, event.journey_id)


def _in_render_thread(render: Callable[[Event], Any]) -> Callable[..., Any]:
    return database_sync_to_async(render, thread_sensitive=False, executor=_RENDER_THREAD)


async def drained() -> None:
    """Wait until every change handed off to this loop has been pushed."""
    queue = _queues.get(asyncio.get_running_loop())
    if queue is not None:
        await queue.idle.wait()
