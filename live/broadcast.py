"""The only module that talks to the channel layer.

The layer is a doorbell, not a mailbox: it drops group messages silently when a receiver's queue is full, and the
in-memory layer reaches one process only. Every pushed frame therefore starts with a header that carries the
journey's sequence numbers; the browser applies a frame only when it follows on from what it has, and otherwise
asks for a catch-up, which is rendered here from the event log (the truth) and cached per journey version.

A frame is HTML that the htmx ws extension swaps out of band. Its first element replaces `#board-seq`:

    <div id="board-seq" hx-swap-oob="morph" data-seq="7" data-base="6" data-kind="push" ...></div>...fragments

kind `push` (one change, base = seq - 1), `followup` (the parts derived from the whole board as of that change,
e.g. the insights panel: sent right behind its push, base = seq, applied only on top of exactly that seq),
`catchup` (every change after base), `snapshot` (the whole board, base 0) or `heartbeat` (no fragments; the
browser only compares seq). Fragments are rendered once per event and language,
never per user: no CSRF token, no request.user.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from journeys.models import Event, Journey
from live import presence
from live.fragments import SNAPSHOT_TARGETS, change_parts, event_parts, follow_up_parts, for_page

logger = logging.getLogger(__name__)

# Further behind than this, one whole-board snapshot is cheaper than the fragments of every change missed.
CATCHUP_MAX_EVENTS = 40
CATCHUP_CACHE_SECONDS = 300


def group_name(journey_id: int, language: str, page: str = "board") -> str:
    """One group per journey, language and page: a push is rendered once per language someone watches the journey
    in, and each page is sent the parts it shows."""
    return f"journey-{journey_id}-{language}-{page}"


def frame(*, kind: str, seq: int, base: int, body: str = "", actor_id: int | None = None, summary: str = "") -> str:
    header = format_html(
        '<div id="board-seq" hx-swap-oob="morph" data-seq="{}" data-base="{}" data-kind="{}" data-actor="{}"'
        ' data-summary="{}" hidden></div>',
        seq,
        base,
        kind,
        actor_id or "",
        summary,
    )
    return header + body


def change_summary(event: Event) -> str:
    actor = event.actor.get_full_name() or event.actor.username if event.actor else _("Someone")
    subject = event.kind.split(".")[0]
    phrases = {
        "step": _("%(actor)s changed a step"),
        "pain_point": _("%(actor)s changed a pain point"),
        "handoff": _("%(actor)s changed a hand-off"),
        "lane": _("%(actor)s changed the lanes"),
        "mirror": _("%(actor)s changed the mirror survey"),
    }
    return phrases.get(subject, _("%(actor)s changed the board")) % {"actor": actor}


def push_frame(event: Event, language: str, page: str = "board") -> str:
    """The push of one change to one page: its header even when the page shows nothing of it (seqs never skip)."""
    with translation.override(language):
        return frame(
            kind="push",
            seq=event.seq,
            base=event.seq - 1,
            body=for_page(event_parts(event.journey, event), page),
            actor_id=event.actor_id,
            summary=change_summary(event),
        )


def follow_up_frames(event: Event, language: str, pages: list[str]) -> dict[str, str]:
    """The follow-up frames of one change, for the pages that show any of its follow-up parts."""
    with translation.override(language):
        parts = follow_up_parts(event.journey, event.targets, pages)
    bodies = {page: for_page(parts, page) for page in pages}
    return {
        page: frame(kind="followup", seq=event.seq, base=event.seq, body=body) for page, body in bodies.items() if body
    }


Message = tuple[str, dict[str, Any]]  # (group, message)


def push_messages(event: Event) -> list[Message]:
    """The push of one change to each page open on the journey, in each language: rendered once for every socket of
    that page and language."""
    return [
        (group_name(event.journey_id, language, page), {"type": "board.push", "seq": event.seq, "html": html})
        for language, pages in presence.audiences_here(event.journey_id).items()
        for page in pages
        if (html := _robust(push_frame, event, language, page))
    ]


def follow_up_messages(event: Event, *, doorbells: bool = True) -> list[Message]:
    """What a change sends once its push is out: the follow-ups (parts derived from the whole board), and the
    doorbells unless the caller rings them itself."""
    messages = []
    for language, pages in presence.audiences_here(event.journey_id).items():
        for page, html in (_robust(follow_up_frames, event, language, pages) or {}).items():
            message = {"type": "board.followup", "seq": event.seq, "html": html}
            messages.append((group_name(event.journey_id, language, page), message))
    return messages + (doorbell_messages(event) if doorbells else [])


def _robust(render: Callable[..., Any], event: Event, *args: Any) -> Any:
    """One frame's render; a failure costs that frame only (its pages catch up at the next heartbeat)."""
    try:
        return render(event, *args)
    except Exception:
        logger.exception("Could not render %s of event %s for %s", render.__name__, event.pk, args)
        return None


def push(event: Event, *, doorbells: bool = True) -> None:
    """Send a change's frames now, from sync code on a thread without an event loop; its doorbells too, unless the
    caller rings them once for a run of changes (`ring_once`)."""
    for group, message in push_messages(event) + follow_up_messages(event, doorbells=doorbells):
        send_to_group(group, message)


async def send_messages(messages: list[Message]) -> None:
    layer = get_channel_layer()
    for group, message in messages:
        try:
            await layer.group_send(group, message)
        except Exception:  # the change is committed; clients catch up from the event log on their next heartbeat
            logger.exception("Could not push to %s", group)


_sending: set[asyncio.Task] = set()


def send_to_group(group: str, message: dict[str, Any]) -> None:
    """Send from sync code on any thread: one without an event loop (a view, a command), or an event loop's own
    (async code that called sync code, a test driving a browser), where the send is left to that loop."""
    try:
        layer = get_channel_layer()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the usual case
            async_to_sync(layer.group_send)(group, message)
        else:
            task = loop.create_task(layer.group_send(group, message))
            _sending.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(_sending.discard)
    except Exception:  # the change is committed; clients catch up from the event log on their next heartbeat
        logger.exception("Could not push to %s", group)


# Doorbells: pages derived from many journeys (the manager dashboard, the owners' lists) refetch over HTTP ---------

# Each feature registers which groups an event concerns and the message type to ring them with.
DoorbellGroups = Callable[[Event], Iterable[str]]
DOORBELLS: list[tuple[str, DoorbellGroups]] = []


def register_doorbell(message_type: str, groups_for: DoorbellGroups) -> None:
    if (message_type, groups_for) not in DOORBELLS:
        DOORBELLS.append((message_type, groups_for))


def doorbell_messages(event: Event) -> list[Message]:
    messages = []
    for message_type, groups_for in DOORBELLS:
        try:
            groups = sorted(groups_for(event))
        except Exception:  # the change is committed; open pages notice it at their next heartbeat (the marker moved)
            logger.exception("Could not tell which %s groups event %s concerns", message_type, event.pk)
            continue
        messages += [(group, {"type": message_type, "event": event.pk}) for group in groups]
    return messages


def ring_once(doorbells: list[Message]) -> None:
    """The doorbells of a run of changes: each group rung once, by the last change that concerns it (a doorbell only
    tells a page to fetch itself again)."""
    latest = {(group, message["type"]): (group, message) for group, message in doorbells}
    for group, message in latest.values():
        send_to_group(group, message)


def ring(groups: list[str], message: dict[str, Any]) -> None:
    """Send a doorbell to each group, from sync code on any thread."""
    if get_channel_layer() is None:
        return
    for group in groups:
        send_to_group(group, message)


async def follow_groups(channel_name: str, *, wanted: set[str], joined: set[str]) -> None:
    """Join `wanted` (again: that refreshes the layer's group expiry) and leave what is no longer wanted."""
    layer = get_channel_layer()
    for group in joined - wanted:
        await layer.group_discard(group, channel_name)
    for group in wanted:
        await layer.group_add(group, channel_name)


# Accounts: every socket of a user listens to the user's group, so the end of their access closes it at once ------


def account_group(user_id: int) -> str:
    return f"account-{user_id}"


async def follow_account(user_id: int, channel_name: str) -> None:
    await get_channel_layer().group_add(account_group(user_id), channel_name)


async def leave_account(user_id: int, channel_name: str) -> None:
    await get_channel_layer().group_discard(account_group(user_id), channel_name)


def account_ended(user_id: int, *, session: str) -> None:
    """Close the user's sockets opened with that session (a tag of it, see live.account), or all of them ("")."""
    ring([account_group(user_id)], {"type": "account.ended", "session": session})


def account_left_journey(user_id: int, journey_id: int) -> None:
    ring([account_group(user_id)], {"type": "account.left_journey", "journey": journey_id})


# Catch-up: what a (re)connecting or lagging socket needs ------------------------------------------------------


def catch_up(*, journey_id: int, since: int, language: str, page: str = "board") -> str:
    """Everything after `since` that `page` shows: the fragments of the missed changes, or the whole page when far
    behind."""
    seq, created_at = Journey.objects.values_list("seq", "created_at").get(pk=journey_id)
    if since == seq:
        return frame(kind="catchup", seq=seq, base=seq)
    # The creation time keeps a cached render from outliving its journey when an id is used again (a reset database).
    version = f"{journey_id}:{created_at.timestamp()}:{seq}:{language}:{page}"
    events = []
    if 0 < since < seq and seq - since <= CATCHUP_MAX_EVENTS:
        events = list(Event.objects.filter(journey_id=journey_id, seq__gt=since, seq__lte=seq).values_list("targets"))
    if len(events) != seq - since:  # too far behind, from the future, or events pruned
        return cached(
            f"board-snapshot:{version}",
            lambda: _render_targets(journey_id, 0, seq, [SNAPSHOT_TARGETS], language, page),
        )
    targets = missed_targets(events)
    return cached(
        f"board-catchup:{since}:{version}", lambda: _render_targets(journey_id, since, seq, targets, language, page)
    )


def missed_targets(events: list[tuple[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The targets of the missed changes, each distinct one once; a layout change renders the map once, first."""
    layout = any(targets.get("layout") for (targets,) in events)
    rest = [{key: value for key, value in targets.items() if key != "layout"} for (targets,) in events]
    distinct = {repr(sorted(targets.items())): targets for targets in rest if targets}
    return [{"layout": True}, *distinct.values()] if layout else list(distinct.values())


def _render_targets(
    journey_id: int, base: int, seq: int, all_targets: list[dict[str, Any]], language: str, page: str
) -> str:
    journey = Journey.objects.get(pk=journey_id)
    with translation.override(language):
        parts = [part for targets in all_targets for part in change_parts(journey, targets)]
        # The follow-ups once, as of now, for everything missed together.
        everything = {key: value for targets in all_targets for key, value in targets.items()}
        body = for_page([*parts, *follow_up_parts(journey, everything, [page])], page)
    return frame(kind="catchup" if base else "snapshot", seq=seq, base=base, body=body)


def cached(key: str, render: Any) -> str:
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, CATCHUP_CACHE_SECONDS)
    return html


# Sockets joining and leaving a journey -------------------------------------------------------------------------


async def join(journey_id: int, language: str, page: str, channel_name: str) -> None:
    await get_channel_layer().group_add(group_name(journey_id, language, page), channel_name)


async def leave(journey_id: int, language: str, page: str, channel_name: str) -> None:
    await get_channel_layer().group_discard(group_name(journey_id, language, page), channel_name)


# Journeys whose presence broadcast is already scheduled in this process: 50 sockets (re)joining at once cause a
# few presence broadcasts, not 50 (each of which would go to all 50 sockets).
_presence_due: dict[int, asyncio.Task] = {}
PRESENCE_COALESCE_SECONDS = 0.3


async def presence_changed(journey_id: int) -> None:
    due = _presence_due.get(journey_id)
    if due is not None and not due.done() and due.get_loop() is asyncio.get_running_loop():
        return  # that broadcast has not read the database yet: it will include this change
    _presence_due[journey_id] = asyncio.current_task()
    try:
        await asyncio.sleep(PRESENCE_COALESCE_SECONDS)
    finally:
        if _presence_due.get(journey_id) is asyncio.current_task():
            del _presence_due[journey_id]
    frames = await database_sync_to_async(presence_frames)(journey_id)
    layer = get_channel_layer()
    for language, html in frames.items():
        await layer.group_send(group_name(journey_id, language), {"type": "board.presence", "html": html})


def presence_frames(journey_id: int) -> dict[str, str]:
    """Who is here (on any page of the journey), for the board pages, which show it."""
    people = presence.people_here(journey_id)
    frames = {}
    for language in presence.languages_here(journey_id, page="board"):
        with translation.override(language):
            frames[language] = presence.render(people)
    return frames
