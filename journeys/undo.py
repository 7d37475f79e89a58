"""Undo and redo of a participant's own last change.

Every change remembers the rows it altered or deleted (as they were before) and the rows it created. Undoing it is
an ordinary change, with its own sequence number, that everyone sees: it deletes what the change created and puts
back what it altered. Redo is the undo of an undo. A change that someone has since built on (a later change touched
the same step, hand-off or pain point, or a row no longer looks as the change left it) is not undone: doing so would
overwrite or delete their work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import models
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from journeys.changes import Change, journey_change
from journeys.errors import Conflict
from journeys.models import Event, Journey

UNDO, REDO = "undo", "redo"
# Parents before children, so a restored hand-off or pain point finds its step.
RESTORE_ORDER = [
    "journeys.lane",
    "journeys.step",
    "journeys.handoff",
    "journeys.painpoint",
    "journeys.painpointactivity",
]
TARGET_KINDS = {
    "step": "step",
    "other_step": "step",
    "deleted_step": "step",
    "pain_point": "pain_point",
    "deleted_pain_point": "pain_point",
    "handoff": "handoff",
}


class CannotUndo(Conflict):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def changes_of(journey: Journey, actor: Any) -> models.QuerySet[Event]:
    """The actor's changes to the board, newest first. Workshop controls (the facilitator's focus on a step, the
    timer, voting, mirror estimates) leave nothing to take back, so undo and redo look past them: opening a card
    must not stop the facilitator from undoing the step she just added."""
    return Event.objects.filter(journey=journey, actor=actor).exclude(undo={}).order_by("-seq")


def undoable_event(journey: Journey, actor: Any) -> Event | None:
    """The actor's last change that is still in effect (undos themselves are taken back with redo)."""
    return changes_of(journey, actor).filter(undone_by__isnull=True).exclude(kind=UNDO).first()


def redoable_event(journey: Journey, actor: Any) -> Event | None:
    """The actor's last undo, as long as they have changed nothing since."""
    last = changes_of(journey, actor).first()
    return last if last is not None and last.kind == UNDO and last.undone_by_id is None else None


def original_change(event: Event) -> Event:
    """The change an undo takes back or a redo brings back again (a redo undoes an undo); any other event itself."""
    while event.kind in (UNDO, REDO) and event.undoes_id is not None:
        event = Event.objects.get(pk=event.undoes_id)
    return event


def change_undo(*, journey: Journey, actor: Any, op_id: str = "") -> Event:
    return _take_back(journey, actor, op_id, UNDO, undoable_event, _("You have no change on this board to undo."))


def change_redo(*, journey: Journey, actor: Any, op_id: str = "") -> Event:
    return _take_back(journey, actor, op_id, REDO, redoable_event, _("There is nothing to redo."))


def _take_back(
    journey: Journey, actor: Any, op_id: str, kind: str, find: Callable[[Journey, Any], Event | None], nothing: str
) -> Event:
    """Undo or redo: revert the event `find` names for the actor, as a change of its own; `nothing`: there is none."""
    with journey_change(journey=journey, actor=actor, kind=kind, op_id=op_id) as change:
        target = find(change.journey, actor)
        if target is None:
            raise CannotUndo(nothing)
        _revert(change, target)
    return change.event


def _revert(change: Change, target: Event) -> None:
    record = target.undo
    if not record:
        raise CannotUndo(_("This change cannot be undone."))
    _refuse_if_built_on(target)
    images = sorted(record["restore"], key=lambda image: _restore_rank(image["model"]))
    _refuse_if_links_are_gone(images, deleting=record["delete"])
    for key in reversed(record["delete"]):
        row = _row(key)
        if row is not None:
            change.snapshot(*_with_cascade(row))
            row.delete()
    recreated = _restore(change, images)
    change.created(*recreated)
    change.undoes = target
    change.touch(**_targets_after(target, record))


def _refuse_if_built_on(target: Event) -> None:
    # Later changes that were themselves undone cancel out, so rows are compared by existence here and by the
    # later events that touched them below (versions move on with every undo and redo).
    for key, version in target.undo.get("after", {}).items():
        if (_row(key) is None) != (version is None):
            raise CannotUndo(_("Someone has changed this since. Undoing it now would undo their work too."))
    touched = _target_ids(target.targets)
    later = Event.objects.filter(journey_id=target.journey_id, seq__gt=target.seq, undone_by__isnull=True)
    for event in later.exclude(kind=UNDO).exclude(pk=target.pk):
        if touched & _target_ids(event.targets):
            raise CannotUndo(_("Someone has built on this change since. Undoing it now would undo their work too."))


def _refuse_if_links_are_gone(images: list[dict[str, Any]], deleting: list[str]) -> None:
    coming_back = {f"{image['model']}:{image['pk']}" for image in images}
    for image in images:
        model = apps.get_model(image["model"])
        for field in model._meta.concrete_fields:
            value = image["fields"].get(field.name)
            if not field.is_relation or value is None or field.related_model is None:
                continue
            key = f"{field.related_model._meta.label_lower}:{value}"
            if key in deleting or (key not in coming_back and _row(key) is None):
                raise CannotUndo(_("Something it was linked to has been deleted since, so it cannot come back."))


def _restore(change: Change, images: list[dict[str, Any]]) -> list[models.Model]:
    recreated = []
    for image in images:
        existing = _row(f"{image['model']}:{image['pk']}")
        if existing is not None:
            change.snapshot(existing)
        restored = next(serializers.deserialize("json", json.dumps([image])))
        if hasattr(restored.object, "version"):
            restored.object.version = max(getattr(existing, "version", 0), restored.object.version) + 1
        restored.save()
        if existing is None:
            recreated.append(restored.object)
    return recreated


def _targets_after(target: Event, record: dict[str, Any]) -> dict[str, Any]:
    steps = {pk for kind, pk in _target_ids(target.targets) if kind == "step"}
    for image in record["restore"]:
        if image["model"] == "journeys.step":
            steps.add(image["pk"])
        elif image["fields"].get("step"):
            steps.add(image["fields"]["step"])
    existing = sorted(pk for pk in steps if _row(f"journeys.step:{pk}") is not None)
    gone = sorted(steps - set(existing))
    targets: dict[str, Any] = {"layout": True}
    targets.update(zip(("step", "other_step"), existing, strict=False))
    if gone:
        targets["deleted_step"] = gone[0]
    pain_points = _pain_points_in(record)
    if pain_points:  # not a target kind (no bearing on "built on"): it tells pages showing these pain points
        targets["pain_points"] = pain_points
    return targets


def _pain_points_in(record: dict[str, Any]) -> list[int]:
    restored = {image["pk"] for image in record["restore"] if image["model"] == "journeys.painpoint"}
    label, deleted = "journeys.painpoint:", record["delete"]
    return sorted(restored | {int(key.removeprefix(label)) for key in deleted if key.startswith(label)})


def _target_ids(targets: dict[str, Any]) -> set[tuple[str, int]]:
    return {(kind, targets[key]) for key, kind in TARGET_KINDS.items() if targets.get(key)}


def _with_cascade(row: models.Model) -> list[models.Model]:
    collector = Collector(using=row._state.db or "default")
    collector.collect([row])
    rows = [instance for instances in collector.data.values() for instance in instances]
    rows += [instance for batch in collector.fast_deletes for instance in batch]
    # Many-to-many rows travel inside their owner's image.
    rows = [instance for instance in rows if not instance._meta.auto_created]
    return sorted(rows, key=lambda instance: _restore_rank(instance._meta.label_lower))


def _restore_rank(label: str) -> int:
    return RESTORE_ORDER.index(label) if label in RESTORE_ORDER else len(RESTORE_ORDER)


def _row(key: str) -> models.Model | None:
    label, pk = key.rsplit(":", 1)
    return apps.get_model(label).objects.filter(pk=pk).first()
