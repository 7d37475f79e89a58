"""How every change to a journey is made: one transaction, one sequence number, one event, one notification.

Each write service runs inside `journey_change`. It locks the journey row (so sequence numbers are handed out one
at a time), turns a repeated operation id into `ReplayedOperation`, lets the service check versions and write,
then appends the event. Listeners of `journey_changed` (the live board) hear about it only after commit, so no
client ever sees a change that was rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.dispatch import Signal

from journeys.models import Event, Journey, Membership

# Sent after commit with `event`: the committed Event.
journey_changed = Signal()


class NotAMember(Exception):
    """The actor may not change this journey."""


class StaleEdit(Exception):
    """The row changed since the editor loaded it: nothing was saved."""

    def __init__(self, current: models.Model, attempted: dict[str, Any]) -> None:
        super().__init__(f"{current!r} changed since version was read")
        self.current = current
        self.attempted = attempted


class ReplayedOperation(Exception):
    """This operation id was applied before: the stored event stands, nothing new happened."""

    def __init__(self, event: Event) -> None:
        super().__init__(f"operation {event.op_id} already applied as seq {event.seq}")
        self.event = event


@dataclass
class Change:
    journey: Journey
    kind: str
    targets: dict[str, Any] = field(default_factory=dict)
    event: Event | None = None

    def touch(self, **targets: Any) -> None:
        self.targets.update(targets)


def is_member(journey: Journey, user: Any) -> bool:
    return Membership.objects.filter(journey=journey, user=user).exists()


def check_version(row: models.Model, base_version: int | None, attempted: dict[str, Any]) -> None:
    if base_version is not None and base_version != row.version:
        raise StaleEdit(row, attempted)


def bump_version(row: models.Model) -> None:
    row.version += 1


@contextmanager
def journey_change(*, journey: Journey, actor: Any, kind: str, op_id: str = "") -> Iterator[Change]:
    with transaction.atomic():
        locked = Journey.objects.select_for_update().get(pk=journey.pk)
        if actor is not None and not is_member(locked, actor):
            raise NotAMember
        if op_id:
            prior = Event.objects.filter(journey=locked, op_id=op_id).first()
            if prior is not None:
                raise ReplayedOperation(prior)
        change = Change(journey=locked, kind=kind)
        yield change
        locked.seq += 1
        Journey.objects.filter(pk=locked.pk).update(seq=locked.seq)
        journey.seq = locked.seq
        change.event = Event.objects.create(
            journey=locked,
            seq=locked.seq,
            actor=actor,
            kind=kind,
            op_id=op_id,
            targets=change.targets,
        )
        committed = change.event
        transaction.on_commit(lambda: journey_changed.send(sender=Event, event=committed))
