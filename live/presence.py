"""Who is on a board right now: one row per open socket, shared by every daphne process through the database.

A closed tab or a dropped network removes its row when daphne notices the socket is gone (close frame, or the
keepalive ping timing out); a killed process leaves rows behind that stop being refreshed by heartbeats and are
pruned after `stale_after()`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from journeys.models import Department, Journey
from journeys.permissions import is_member
from live.models import BoardPresence


@dataclass(frozen=True)
class Person:
    name: str
    colour: str


def stale_after() -> timedelta:
    return timedelta(seconds=settings.BOARD_HEARTBEAT_SECONDS * 3)


def arrive(*, journey_id: int, user: Any, channel_name: str, language: str = "", page: str = "board") -> bool:
    """Record a member's socket as present; False (and nothing recorded) for anyone else."""
    if not is_member(journey_id, user):
        return False
    BoardPresence.objects.update_or_create(
        channel_name=channel_name,
        defaults={
            "journey_id": journey_id,
            "user": user,
            "seen_at": timezone.now(),
            "language": language or settings.LANGUAGE_CODE,
            "page": page,
        },
    )
    return True


def depart(*, channel_name: str) -> None:
    BoardPresence.objects.filter(channel_name=channel_name).delete()


# When this process last pruned each journey's stale rows: once per heartbeat interval is enough, not once per
# socket (200 sockets would otherwise each run a DELETE every beat).
_pruned_at: dict[int, float] = {}


class NoLongerWatching(Exception):
    """The journey is gone or the socket's user is no longer a member of it."""


def heartbeat(*, journey_id: int, user: Any, channel_name: str) -> tuple[int, bool]:
    """Refresh this socket's row; return the journey's current seq and whether stale rows were pruned."""
    seq = Journey.objects.filter(pk=journey_id).values_list("seq", flat=True).first()
    if seq is None or not is_member(journey_id, user):
        raise NoLongerWatching
    now = timezone.now()
    BoardPresence.objects.filter(channel_name=channel_name).update(seen_at=now)
    pruned = 0
    if time.monotonic() - _pruned_at.get(journey_id, 0.0) >= settings.BOARD_HEARTBEAT_SECONDS:
        _pruned_at[journey_id] = time.monotonic()
        pruned, _detail = BoardPresence.objects.filter(journey_id=journey_id, seen_at__lt=now - stale_after()).delete()
    return seq, bool(pruned)


def languages_here(journey_id: int, *, page: str | None = None) -> list[str]:
    rows = BoardPresence.objects.filter(journey_id=journey_id)
    if page is not None:
        rows = rows.filter(page=page)
    return sorted(set(rows.values_list("language", flat=True)))


def audiences_here(journey_id: int) -> dict[str, list[str]]:
    """The pages open on the journey, per language they are in: each (language, page) gets its own frames."""
    audiences: dict[str, list[str]] = {}
    rows = BoardPresence.objects.filter(journey_id=journey_id).values_list("language", "page").distinct()
    for language, page in sorted(rows):
        audiences.setdefault(language, []).append(page)
    return audiences


def people_here(journey_id: int) -> list[Person]:
    rows = (
        BoardPresence.objects.filter(journey_id=journey_id, seen_at__gte=timezone.now() - stale_after())
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    users = {row.user_id: row.user for row in rows}
    colours = dict(Department.objects.filter(members__in=users).order_by("-name").values_list("members", "colour"))
    return [Person(user.get_full_name() or user.username, colours.get(user.pk, "#9aa3ad")) for user in users.values()]


def render(people: list[Person]) -> str:
    return render_to_string("live/presence.html", {"people": people, "oob": True})
