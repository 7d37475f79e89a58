"""What each change pushes: the one table of fragment renderers, filled by the feature apps at start-up.

A change is described by its event's `targets` (`{"step": 7, "layout": True}`, `{"voting": 3}`, ...). Each feature
registers, for a target key, a renderer that returns the out-of-band fragments its pages show for that change:

    @register_fragments("voting")          # called when targets has "voting"
    @register_fragments("*")               # called for every change
    @register_fragments("snapshot")        # part of the whole-board snapshot
    @register_follow_up                    # costly parts derived from the whole board (the insights panel): they
                                           # travel in a follow-up frame right behind the change's own push

A page holds only the ids of what it shows; a fragment for an id a page lacks is ignored by htmx. The same renderers
serve the HTTP answer to the author, the socket push and the catch-up, so a reload shows what live updates show.
Nothing here depends on who is looking: no user, no CSRF token.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language

from journeys.models import Event, Journey

logger = logging.getLogger(__name__)

FragmentRenderer = Callable[[Journey, dict[str, Any]], list[str]]
FRAGMENT_RENDERERS: dict[str, list[FragmentRenderer]] = {}
FOLLOW_UP_RENDERERS: list[FragmentRenderer] = []
# The whole board: the map, and every part registered for "snapshot" (e.g. the workshop's voting, timer, focus).
SNAPSHOT_TARGETS = {"layout": True, "snapshot": True}


def register_fragments(key: str) -> Callable[[FragmentRenderer], FragmentRenderer]:
    def register(renderer: FragmentRenderer) -> FragmentRenderer:
        renderers = FRAGMENT_RENDERERS.setdefault(key, [])
        if renderer not in renderers:
            renderers.append(renderer)
        return renderer

    return register


def register_follow_up(renderer: FragmentRenderer) -> FragmentRenderer:
    if renderer not in FOLLOW_UP_RENDERERS:
        FOLLOW_UP_RENDERERS.append(renderer)
    return renderer


def render_changes(journey: Journey, targets: dict[str, Any], *, follow_ups: bool = True) -> str:
    """The out-of-band fragments that bring a page up to date with one change described by `targets`; without the
    follow-up parts when those travel separately."""
    parts = []
    for key, renderers in FRAGMENT_RENDERERS.items():
        if key == "*" or targets.get(key):
            for renderer in renderers:
                parts.extend(rendered(renderer, journey, targets))
    if follow_ups:
        parts.append(render_follow_ups(journey, targets))
    return "\n".join(part for part in parts if part)


def render_follow_ups(journey: Journey, targets: dict[str, Any]) -> str:
    return "\n".join(part for renderer in FOLLOW_UP_RENDERERS for part in rendered(renderer, journey, targets))


def rendered(renderer: FragmentRenderer, journey: Journey, targets: dict[str, Any]) -> list[str]:
    """One renderer's parts. The change they show is committed: a renderer that fails costs its own parts only (and
    is logged), never the answer to the person who made the change, nor the other parts of the push."""
    try:
        return renderer(journey, targets)
    except Exception:
        logger.exception("Fragment renderer %s failed on journey %s for %s", renderer.__qualname__, journey.pk, targets)
        return []


# The push of a change and the HTTP answer to whoever made it carry the same fragments: the push renders them
# right after commit, the answer a moment later in the same thread. Remember the last few: one render, not two.
_RECENT_EVENT_RENDERS: OrderedDict[tuple[Any, ...], str] = OrderedDict()
RECENT_EVENT_RENDERS_KEPT = 32


def render_event(journey: Journey, event: Event) -> str:
    """The fragments of one change, in the active language, as of just after it, without the follow-ups."""
    key = (event.pk, event.journey_id, event.created_at, get_language())
    html = _RECENT_EVENT_RENDERS.get(key)
    if html is None:
        html = render_changes(journey, event.targets, follow_ups=False)
        _RECENT_EVENT_RENDERS[key] = html
        while len(_RECENT_EVENT_RENDERS) > RECENT_EVENT_RENDERS_KEPT:
            _RECENT_EVENT_RENDERS.popitem(last=False)
    return html
