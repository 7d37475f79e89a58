"""How every change to a journey is made: one transaction, one sequence number, one event, one notification.

Each write service runs inside `journey_change`. It locks the journey row (so sequence numbers are handed out one at a
time), turns a repeated operation id into `ReplayedOperation` (or `OperationReused` when the repeat carries other
content than the first time), lets the service check versions and write, then appends the event. Listeners of
`journey_changed` (the live board) hear about it only after commit, so no client ever sees a change that was rolled
back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core import serializers
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from journeys.errors import NotAMember, OperationReused, ReplayedOperation, StaleEdit
from journeys.models import Event, Journey
from journeys.permissions import is_member

logger = logging.getLogger(__name__)

# Sent after commit with `event`: the committed Event.
journey_changed = Signal()

# A digest of what the operation being applied asks for (the web layer computes it from the request), so the services
# keep their signatures: an operation id sent again with other content is refused, not answered as already applied.
_operation_digest: ContextVar[str] = ContextVar("operation_digest", default="")


@contextmanager
def operation_content(digest: str) -> Iterator[None]:
    token = _operation_digest.set(digest)
    try:
        yield
    finally:
        _operation_digest.reset(token)


# The event of the last change made in this context, so the write path that ran the service (web.changes.run_change)
# answers with it instead of reading it back by its operation id.
_last_event: ContextVar[Event | None] = ContextVar("last_event", default=None)


def event_made(*, journey: Journey, op_id: str) -> Event | None:
    """The event of the change just made in this context under `op_id` on `journey`, if it was the last one."""
    event = _last_event.get()
    if event is None or not op_id or event.op_id != op_id or event.journey_id != journey.pk:
        return None
    return event


def row_key(row: models.Model) -> str:
    return f"{row._meta.label_lower}:{row.pk}"


@dataclass
class Change:
    journey: Journey
    kind: str
    targets: dict[str, Any] = field(default_factory=dict)
    event: Event | None = None
    before_images: list[dict[str, Any]] = field(default_factory=list)
    created_keys: list[str] = field(default_factory=list)
    undoes: Event | None = None

    def touch(self, **targets: Any) -> None:
        self.targets.update(targets)

    def snapshot(self, *rows: models.Model) -> None:
        """Remember rows as they are now, before this change alters or deletes them, so undo can restore them."""
        self.before_images.extend(json.loads(serializers.serialize("json", rows)))

    def created(self, *rows: models.Model) -> None:
        """Remember rows this change creates, so undo can remove them."""
        self.created_keys.extend(row_key(row) for row in rows)

    def undo_record(self) -> dict[str, Any]:
        if not self.before_images and not self.created_keys:
            return {}
        touched = [f"{image['model']}:{image['pk']}" for image in self.before_images] + self.created_keys
        return {"restore": self.before_images, "delete": self.created_keys, "after": _versions_now(touched)}


def _versions_now(keys: list[str]) -> dict[str, int | None]:
    """The version each touched row has once the change is done; None for a row that no longer exists."""
    from django.apps import apps

    versions: dict[str, int | None] = {}
    for key in dict.fromkeys(keys):
        label, pk = key.rsplit(":", 1)
        model = apps.get_model(label)
        row = model.objects.filter(pk=pk).values("version").first() if _has_version(model) else None
        exists = row is not None or (not _has_version(model) and model.objects.filter(pk=pk).exists())
        versions[key] = (row or {}).get("version", 0) if exists else None
    return versions


def _has_version(model: type[models.Model]) -> bool:
    return any(f.name == "version" for f in model._meta.concrete_fields)


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
        digest = _operation_digest.get() if op_id else ""
        if op_id:
            prior = Event.objects.filter(journey=locked, op_id=op_id).first()
            if prior is not None and digest and prior.op_digest and prior.op_digest != digest:
                raise OperationReused(
                    _("This change was sent before with other content, so it was not saved. Make it again.")
                )
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
            op_digest=digest,
            targets=change.targets,
            undo=change.undo_record(),
            undoes=change.undoes,
        )
        if change.undoes is not None:
            Event.objects.filter(pk=change.undoes.pk).update(undone_by=change.event)
        committed = change.event
        _last_event.set(committed)
        transaction.on_commit(lambda: announce(committed))


def announce(event: Event) -> None:
    """Tell the listeners about a committed change. The change stands whatever they do: a failing listener is logged,
    never raised into the request that made the change (its answer would be an error for a saved change)."""
    for receiver, outcome in journey_changed.send_robust(sender=Event, event=event):
        if isinstance(outcome, Exception):
            logger.error("Listener %r failed on event %s", receiver, event.pk, exc_info=outcome)
