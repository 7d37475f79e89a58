"""What each change pushes to which page: the one table of fragment renderers, filled by the feature apps at start-up.

A change is described by its event's `targets` (`{"step": 7, "layout": True}`, `{"voting": 3}`, ...). Each feature
registers, for a target key, a renderer that returns the out-of-band fragments its pages show for that change, and
the pages that show them:

    @register_fragments("voting", pages=BOARD_AND_PROJECTOR)   # called when targets has "voting"
    @register_fragments("*")                                   # called for every change (the board page only)
    @register_fragments("snapshot", pages=("mirror",))         # part of that page's whole snapshot
    @register_follow_up(pages=("board",))                      # costly parts derived from the whole board (the
                                                               # insights panel): they travel in a follow-up frame
                                                               # right behind the change's own push

A socket says which page it serves (`live.consumers`), and gets only that page's parts: a phone on the mirror page
gets no board map. Every page still gets a frame for every change (its header may carry no parts), so sequence
numbers never skip. The same renderers serve the HTTP answer to the author (the board page), the socket push and the
catch-up, so a reload shows what live updates show. Nothing here depends on who is looking: no user, no CSRF token.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any, TypeVar

from django.utils.translation import get_language

from journeys import selectors
from journeys.models import Event, Journey, Step

logger = logging.getLogger(__name__)

# The pages that hold a journey's socket. A pain point page shows one pain point of the journey; the flow view its
# failure demand and flow figures; the reports page the journey's triage queue.
PAGES = ("board", "projector", "mirror", "pain-point", "flow", "reports")
BOARD_AND_PROJECTOR = ("board", "projector")

FragmentRenderer = Callable[[Journey, dict[str, Any]], list[str]]
FRAGMENT_RENDERERS: dict[str, list[FragmentRenderer]] = {}
FOLLOW_UP_RENDERERS: list[FragmentRenderer] = []
PAGES_OF: dict[FragmentRenderer, tuple[str, ...]] = {}  # a renderer registered without pages serves the board
# Each renderer's parts, with the pages that show them.
Parts = list[tuple[tuple[str, ...], str]]
# The whole page: the map, and every part registered for "snapshot" (e.g. the workshop's voting, timer, focus).
SNAPSHOT_TARGETS = {"layout": True, "snapshot": True}


def register_fragments(key: str, *, pages: tuple[str, ...] = ("board",)) -> Callable[[FragmentRenderer], Any]:
    def register(renderer: FragmentRenderer) -> FragmentRenderer:
        renderers = FRAGMENT_RENDERERS.setdefault(key, [])
        if renderer not in renderers:
            renderers.append(renderer)
        PAGES_OF[renderer] = pages
        return renderer

    return register


def register_follow_up(*, pages: tuple[str, ...] = ("board",)) -> Callable[[FragmentRenderer], Any]:
    def register(renderer: FragmentRenderer) -> FragmentRenderer:
        if renderer not in FOLLOW_UP_RENDERERS:
            FOLLOW_UP_RENDERERS.append(renderer)
        PAGES_OF[renderer] = pages
        return renderer

    return register


def change_parts(journey: Journey, targets: dict[str, Any]) -> Parts:
    """The out-of-band fragments that bring pages up to date with one change described by `targets`, without the
    follow-up parts. The renderers share their common reads (`shared_read`) while they render them."""
    renderers = [
        renderer
        for key, registered in FRAGMENT_RENDERERS.items()
        if key == "*" or targets.get(key)
        for renderer in registered
    ]
    token = _shared_reads.set({})
    try:
        return [(PAGES_OF.get(renderer, ("board",)), rendered(renderer, journey, targets)) for renderer in renderers]
    finally:
        _shared_reads.reset(token)


# The reads the renderers of one change have in common (the steps it names, a step's hand-offs), made once per
# `change_parts`: on a rename the card, the step panel, the routes and the comments each read the same step, and the
# ORM's compiling of a query costs more than SQLite's answer. Outside `change_parts` (the board page, a test calling
# one renderer) every read is made afresh. The objects read are shared: a renderer must not change them.
_shared_reads: contextvars.ContextVar[dict[tuple[Any, ...], Any] | None] = contextvars.ContextVar(
    "change_shared_reads", default=None
)
Read = TypeVar("Read")


def shared_read(key: tuple[Any, ...], read: Callable[[], Read]) -> Read:
    """`read()`, made once for the renderers of one change (under `key`), every time outside one."""
    reads = _shared_reads.get()
    if reads is None:
        return read()
    if key not in reads:
        reads[key] = read()
    return reads[key]


def named_steps(journey: Journey, targets: dict[str, Any]) -> list[Step]:
    """The steps of the journey that a change names (`step`, `other_step`), in board order, with their cards' counts
    (`selectors.steps_with_counts_by_id`): one read for every renderer of the change."""
    step_ids = [targets[key] for key in ("step", "other_step") if targets.get(key)]

    def read() -> list[Step]:
        return [step for step in selectors.steps_with_counts_by_id(step_ids) if step.journey_id == journey.pk]

    return shared_read(("named_steps", journey.pk, tuple(step_ids)), read) if step_ids else []


def named_step(journey: Journey, targets: dict[str, Any]) -> Step | None:
    """The step of the journey a change names as its `step`, if it still exists."""
    return next((step for step in named_steps(journey, targets) if step.pk == targets.get("step")), None)


def follow_up_parts(journey: Journey, targets: dict[str, Any], pages: Iterable[str] | None = None) -> Parts:
    """The costly parts derived from the whole board; only those some of `pages` show (all for None)."""
    wanted = None if pages is None else set(pages)
    return [
        (PAGES_OF.get(renderer, ("board",)), rendered(renderer, journey, targets))
        for renderer in FOLLOW_UP_RENDERERS
        if wanted is None or wanted.intersection(PAGES_OF.get(renderer, ("board",)))
    ]


def for_page(parts: Parts, page: str | None) -> str:
    """The parts `page` shows (every page's for None)."""
    return "\n".join(html for pages, html in parts if html and (page is None or page in pages))


def render_changes(
    journey: Journey, targets: dict[str, Any], *, page: str | None = None, follow_ups: bool = True
) -> str:
    only = None if page is None else [page]
    parts = change_parts(journey, targets) + (follow_up_parts(journey, targets, only) if follow_ups else [])
    return for_page(parts, page)


def rendered(renderer: FragmentRenderer, journey: Journey, targets: dict[str, Any]) -> str:
    """One renderer's parts. The change they show is committed: a renderer that fails costs its own parts only (and
    is logged), never the answer to the person who made the change, nor the other parts of the push."""
    try:
        return "\n".join(part for part in renderer(journey, targets) if part)
    except Exception:
        logger.exception("Fragment renderer %s failed on journey %s for %s", renderer.__qualname__, journey.pk, targets)
        return ""


# The push of a change and the HTTP answer to whoever made it carry the same fragments: the answer renders them in
# the request's thread while the push (live.fanout) may ask for them in the fan-out thread at the same moment.
# Remember the last few, and the one being rendered: one render, not two; the later asker waits for the first.
_RECENT_EVENT_RENDERS: OrderedDict[tuple[Any, ...], Future[Parts]] = OrderedDict()
_RECENT_EVENT_RENDERS_LOCK = threading.Lock()
RECENT_EVENT_RENDERS_KEPT = 32


def event_parts(journey: Journey, event: Event) -> Parts:
    """The fragments of one change, in the active language, as of just after it, without the follow-ups."""
    key = (event.pk, event.journey_id, event.created_at, get_language())
    with _RECENT_EVENT_RENDERS_LOCK:
        parts = _RECENT_EVENT_RENDERS.get(key)
        first = parts is None
        if first:
            parts = _RECENT_EVENT_RENDERS[key] = Future()
            while len(_RECENT_EVENT_RENDERS) > RECENT_EVENT_RENDERS_KEPT:
                _RECENT_EVENT_RENDERS.popitem(last=False)
    if first:
        try:
            parts.set_result(change_parts(journey, event.targets))
        except BaseException as error:  # e.g. the database went away: the next asker tries again
            with _RECENT_EVENT_RENDERS_LOCK:
                _RECENT_EVENT_RENDERS.pop(key, None)
            parts.set_exception(error)
    return parts.result()


def render_event(journey: Journey, event: Event, *, page: str | None = None) -> str:
    return for_page(event_parts(journey, event), page)
