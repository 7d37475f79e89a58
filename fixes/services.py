"""Every write of shared fixes. A fix belongs to no journey, but what it does shows on the journeys of its pain
points: linking and unlinking are changes of that pain point's journey, and every change of the fix itself is a
change (`fix.updated`, `fix.done`) of each journey it touches, all in one transaction, through
`journeys.changes.journey_change` (events, sequence numbers, listeners: notifications and webhooks)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixes.models import Fix, FixLink
from journeys import permissions
from journeys.changes import Change, bump_version, check_version, journey_change
from journeys.errors import NotAllowed
from journeys.models import Journey, PainPoint
from painpoints import services as lifecycle


def _clean(title: str, state: str) -> str:
    title = title.strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the fix a title.")
    if state not in Fix.State.values:
        errors["state"] = _("Choose planned, in progress, done or dropped.")
    if errors:
        raise ValidationError(errors)
    return title


def fix_create(
    *,
    actor: Any,
    title: str,
    description: str = "",
    owner: Any = None,
    state: str = Fix.State.PLANNED,
    target_date: datetime.date | None = None,
) -> Fix:
    """A new fix touches no journey yet: nothing to tell until a pain point is linked."""
    title = _clean(title, state)
    return Fix.objects.create(
        title=title,
        description=description.strip(),
        owner=owner or actor,
        state=state,
        target_date=target_date,
        created_by=actor,
        done_at=timezone.now() if state == Fix.State.DONE else None,
    )


def _require_may_change(fix: Fix, actor: Any) -> None:
    if not permissions.may_change_fix(fix.owner_id, fix.created_by_id, actor):
        raise NotAllowed(_("Only the fix's owner, whoever started it, or a manager can change it."))


@contextmanager
def on_its_journeys(fix: Fix, actor: Any, kind: str) -> Iterator[list[Change]]:
    """One change on each journey the fix has pain points on, locked in id order, in one transaction. The fix's
    owner need not be on all of them: there the change is the fix's, not a member's (no actor)."""
    journeys = Journey.objects.filter(pain_points__fix_links__fix=fix).distinct().order_by("pk")
    with transaction.atomic(), ExitStack() as stack:
        yield [
            stack.enter_context(
                journey_change(
                    journey=journey, actor=actor if permissions.is_member(journey, actor) else None, kind=kind
                )
            )
            for journey in journeys
        ]


def fix_update(
    *,
    fix: Fix,
    actor: Any,
    base_version: int | None,
    title: str,
    description: str,
    owner: Any,
    state: str,
    target_date: datetime.date | None,
) -> Fix:
    title = _clean(title, state)
    _require_may_change(fix, actor)
    becomes_done = state == Fix.State.DONE and fix.state != Fix.State.DONE
    with on_its_journeys(fix, actor, "fix.done" if becomes_done else "fix.updated") as changes:
        current = Fix.objects.select_for_update().get(pk=fix.pk)
        check_version(current, base_version, {"title": title, "state": state})
        current.title, current.description, current.owner = title, description.strip(), owner or current.owner
        current.state, current.target_date = state, target_date
        current.done_at = (current.done_at or timezone.now()) if state == Fix.State.DONE else None
        bump_version(current)
        current.save()
        for change in changes:
            open_ids = _open_pain_point_ids(current, change.journey)
            change.touch(fix=current.pk, pain_points=open_ids, by=actor.pk)
    return current


def _open_pain_point_ids(fix: Fix, journey: Journey) -> list[int]:
    rows = PainPoint.objects.filter(fix_links__fix=fix, journey=journey, status__in=["open", "in_progress"])
    return sorted(rows.values_list("pk", flat=True))


def fix_link(*, fix: Fix, pain_point: PainPoint, actor: Any, op_id: str = "") -> FixLink:
    """Link a pain point of a journey the actor is on (journey_change refuses anyone else)."""
    _require_may_change(fix, actor)
    with journey_change(journey=pain_point.journey, actor=actor, kind="fix.linked", op_id=op_id) as change:
        if FixLink.objects.filter(fix=fix, pain_point=pain_point).exists():
            raise ValidationError({"pain_point": _("This pain point is already linked to the fix.")})
        if not pain_point.is_open:
            raise ValidationError({"pain_point": _("Only open pain points can be linked to a fix.")})
        link = FixLink.objects.create(fix=fix, pain_point=pain_point, linked_by=actor)
        change.created(link)
        change.touch(fix=fix.pk, pain_point=pain_point.pk)
    return link


def fix_unlink(*, fix: Fix, pain_point: PainPoint, actor: Any, op_id: str = "") -> None:
    _require_may_change(fix, actor)
    with journey_change(journey=pain_point.journey, actor=actor, kind="fix.unlinked", op_id=op_id) as change:
        link = FixLink.objects.filter(fix=fix, pain_point=pain_point).first()
        if link is None:
            raise ValidationError({"pain_point": _("This pain point is not linked to the fix.")})
        change.snapshot(link)
        link.delete()
        change.touch(fix=fix.pk, pain_point=pain_point.pk)


def resolution_of(fix: Fix) -> str:
    return _("Solved by the shared fix “%(title)s”.") % {"title": fix.title}


def fix_solve_pain_point(
    *, fix: Fix, pain_point: PainPoint, actor: Any, base_version: int | None, op_id: str = ""
) -> PainPoint:
    """One click: the fix is done, so its pain point is solved (by someone who may solve it, as always)."""
    if fix.state != Fix.State.DONE or not FixLink.objects.filter(fix=fix, pain_point=pain_point).exists():
        raise ValidationError(_("Only a pain point of a fix that is done can be solved this way."))
    return lifecycle.pain_point_solve(
        pain_point=pain_point, actor=actor, resolution=resolution_of(fix), base_version=base_version, op_id=op_id
    )


@dataclass
class SolvedAll:
    solved: int = 0
    left: int = 0


def fix_solve_all(*, fix: Fix, actor: Any) -> SolvedAll:
    """The fix's owner solves every open pain point of the done fix that they may solve; the rest stay proposed to
    their own owners. Each is its own change on its journey, as if solved one by one."""
    if fix.state != Fix.State.DONE:
        raise ValidationError(_("Only a fix that is done solves its pain points."))
    if actor.pk != fix.owner_id:
        raise NotAllowed(_("Only the fix's owner solves all its pain points at once."))
    outcome = SolvedAll()
    for pain_point in PainPoint.objects.filter(fix_links__fix=fix, status__in=["open", "in_progress"]):
        if permissions.is_member(pain_point.journey_id, actor) and permissions.may_act_on_pain_point(pain_point, actor):
            fix_solve_pain_point(fix=fix, pain_point=pain_point, actor=actor, base_version=None)
            outcome.solved += 1
        else:
            outcome.left += 1
    return outcome
