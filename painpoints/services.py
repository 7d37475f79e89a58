"""The life of a pain point after it is tagged: owners pick it up, hand it over or give it back, plan the fix, solve
it or decide not to, and anyone can reopen a closed one with a reason. Anyone on the journey can comment.

Every change goes through `journey_change`, so it gets a sequence number and reaches every board live, and it
writes one timeline entry. The order of checks inside the lock is: permission, then the allowed transitions (so
a late pick-up learns who has it), then the version the actor saw.

Invariant kept by the transitions: an open pain point has no owner, one in progress has one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.changes import bump_version, check_version, journey_change
from journeys.errors import Conflict, NotAllowed
from journeys.models import Membership, PainPoint, PainPointActivity
from journeys.permissions import in_responsible_department, is_facilitator
from journeys.services import log_activity
from journeys.text import required_text

Status = PainPoint.Status
Kind = PainPointActivity.Kind
ANY_STATE = frozenset(Status.values)

# action -> (states it may start from, state it leads to; None keeps the state)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "pick_up": (frozenset({Status.OPEN}), Status.IN_PROGRESS),
    "hand_over": (frozenset({Status.OPEN, Status.IN_PROGRESS}), Status.IN_PROGRESS),
    "give_back": (frozenset({Status.IN_PROGRESS}), Status.OPEN),
    "plan_fix": (frozenset({Status.IN_PROGRESS}), None),
    "solve": (frozenset({Status.OPEN, Status.IN_PROGRESS}), Status.SOLVED),
    "wont_fix": (frozenset({Status.OPEN, Status.IN_PROGRESS}), Status.WONT_FIX),
    "reopen": (frozenset({Status.SOLVED, Status.WONT_FIX}), Status.OPEN),
    "comment": (ANY_STATE, None),
}
OWNER_ACTIONS = frozenset(TRANSITIONS) - {"comment"}
KINDS = {
    "pick_up": Kind.PICKED_UP,
    "hand_over": Kind.HANDED_OVER,
    "give_back": Kind.GIVEN_BACK,
    "plan_fix": Kind.PLANNED,
    "solve": Kind.SOLVED,
    "wont_fix": Kind.WONT_FIX,
    "reopen": Kind.REOPENED,
    "comment": Kind.COMMENTED,
}
# For "Its state is “solved”: it cannot be <...> now."
ACTION_PARTICIPLES = {
    "pick_up": gettext_lazy("picked up"),
    "hand_over": gettext_lazy("handed over"),
    "give_back": gettext_lazy("given back"),
    "plan_fix": gettext_lazy("given a fix plan (pick it up first)"),
    "solve": gettext_lazy("marked solved"),
    "wont_fix": gettext_lazy("marked won't fix"),
    "reopen": gettext_lazy("reopened (it is not closed)"),
    "comment": gettext_lazy("commented on"),
}


class PainPointRefused(NotAllowed):
    """The actor may not do this to this pain point. Nothing changed; the message says who may."""


class IllegalTransition(Conflict):
    """The pain point's state does not allow this action (any more). Nothing changed."""


class AlreadyTaken(IllegalTransition):
    """Someone else picked the pain point up first."""

    def __init__(self, message: str, owner: Any) -> None:
        super().__init__(message)
        self.owner = owner


def display_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def department_names(pain_point: PainPoint) -> str:
    return ", ".join(sorted(d.name for d in pain_point.responsible_departments.all()))


def is_overdue(pain_point: PainPoint, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return pain_point.is_open and pain_point.target_date is not None and pain_point.target_date < today


def available_actions(pain_point: PainPoint, *, may_act: bool, is_owner: bool, facilitator: bool) -> list[str]:
    """The actions the page offers this viewer in the pain point's current state."""
    actions = [action for action, (sources, _to) in TRANSITIONS.items() if pain_point.status in sources]
    if not may_act:
        return [action for action in actions if action == "comment"]
    if not (is_owner or facilitator) and "give_back" in actions:
        actions.remove("give_back")
    return actions


# Checks -----------------------------------------------------------------------------------------------------------


def _check_permission(pain_point: PainPoint, actor: Any, action: str) -> None:
    if action == "comment":
        return  # journey_change already refused non-members
    facilitator = is_facilitator(pain_point.journey_id, actor)
    if not facilitator and not in_responsible_department(pain_point, actor):
        raise PainPointRefused(
            _("Only members of %(departments)s or the journey's facilitator can change this pain point.")
            % {"departments": department_names(pain_point)}
        )
    if action == "give_back" and not facilitator and pain_point.owner_id not in (None, actor.pk):
        raise PainPointRefused(
            _("Only its owner, %(owner)s, or the facilitator can give this pain point back.")
            % {"owner": display_name(pain_point.owner)}
        )


def _check_transition(pain_point: PainPoint, actor: Any, action: str) -> None:
    sources, _target = TRANSITIONS[action]
    if action == "pick_up" and pain_point.status == Status.IN_PROGRESS:
        if pain_point.owner_id == actor.pk:
            raise IllegalTransition(_("You have already picked up this pain point."))
        owner = pain_point.owner
        raise AlreadyTaken(
            _("%(owner)s has already picked up this pain point.") % {"owner": display_name(owner)},
            owner,
        )
    if pain_point.status not in sources:
        raise IllegalTransition(
            _("Its state is “%(state)s”: it cannot be %(action)s now.")
            % {"state": pain_point.get_status_display(), "action": ACTION_PARTICIPLES[action]}
        )


@contextmanager
def _lifecycle(
    pain_point: PainPoint,
    *,
    actor: Any,
    action: str,
    base_version: int | None,
    attempted: dict[str, Any],
    op_id: str,
) -> Iterator[PainPoint]:
    """Lock, check permission, transition and version, let the caller change the row, then log and announce it."""
    journey = pain_point.journey
    with journey_change(journey=journey, actor=actor, kind=f"pain_point.{action}", op_id=op_id) as change:
        current = PainPoint.objects.select_for_update(of=("self",)).select_related("owner").get(pk=pain_point.pk)
        _check_permission(current, actor, action)
        _check_transition(current, actor, action)
        check_version(current, base_version, attempted)
        from_status = current.status
        yield current
        target = TRANSITIONS[action][1]
        if target is not None:
            current.status = target
        if action != "comment":
            bump_version(current)
            current.save()
        log_activity(current, actor=actor, kind=KINDS[action], text=attempted.get("text", ""), from_status=from_status)
        change.touch(step=current.step_id, pain_point=current.pk)


# Services ---------------------------------------------------------------------------------------------------------


def pain_point_pick_up(*, pain_point: PainPoint, actor: Any, base_version: int | None, op_id: str = "") -> PainPoint:
    attempted = {"owner": display_name(actor)}
    with _lifecycle(
        pain_point, actor=actor, action="pick_up", base_version=base_version, attempted=attempted, op_id=op_id
    ) as current:
        current.owner = actor
    return current


def _check_colleague(pain_point: PainPoint, colleague: Any) -> None:
    name = display_name(colleague)
    if not Membership.objects.filter(journey_id=pain_point.journey_id, user=colleague).exists():
        raise ValidationError({"to_user": _("%(name)s is not on this journey.") % {"name": name}})
    if not in_responsible_department(pain_point, colleague):
        raise ValidationError(
            {
                "to_user": _("%(name)s is not in a responsible department (%(departments)s).")
                % {"name": name, "departments": department_names(pain_point)}
            }
        )
    if pain_point.owner_id == colleague.pk:
        raise ValidationError({"to_user": _("%(name)s already has it.") % {"name": name}})


def pain_point_hand_over(
    *, pain_point: PainPoint, actor: Any, to_user_id: int | None, base_version: int | None, op_id: str = ""
) -> PainPoint:
    colleague = get_user_model().objects.filter(pk=to_user_id).first() if to_user_id else None
    if colleague is None:
        raise ValidationError({"to_user": _("Choose the colleague who takes it over.")})
    attempted = {"owner": display_name(colleague), "text": display_name(colleague)}
    with _lifecycle(
        pain_point, actor=actor, action="hand_over", base_version=base_version, attempted=attempted, op_id=op_id
    ) as current:
        _check_colleague(current, colleague)
        current.owner = colleague
    return current


def pain_point_give_back(
    *, pain_point: PainPoint, actor: Any, base_version: int | None, reason: str = "", op_id: str = ""
) -> PainPoint:
    attempted = {"owner": "", "text": (reason or "").strip()}
    with _lifecycle(
        pain_point, actor=actor, action="give_back", base_version=base_version, attempted=attempted, op_id=op_id
    ) as current:
        current.owner = None
    return current


def pain_point_plan_fix(
    *,
    pain_point: PainPoint,
    actor: Any,
    fix_description: str,
    target_date: datetime.date | None,
    base_version: int | None,
    op_id: str = "",
) -> PainPoint:
    fix_description = required_text(fix_description, "fix_description", _("Say what changes."))
    if target_date is None:
        raise ValidationError({"target_date": _("Give a target date.")})
    if target_date < timezone.localdate():
        raise ValidationError({"target_date": _("The target date is in the past.")})
    attempted = {
        "fix_description": fix_description,
        "target_date": target_date.isoformat(),
        "text": f"{target_date.isoformat()} · {fix_description}",
    }
    with _lifecycle(
        pain_point, actor=actor, action="plan_fix", base_version=base_version, attempted=attempted, op_id=op_id
    ) as current:
        current.fix_description, current.target_date = fix_description, target_date
    return current


def pain_point_solve(
    *, pain_point: PainPoint, actor: Any, resolution: str, base_version: int | None, op_id: str = ""
) -> PainPoint:
    resolution = required_text(resolution, "resolution", _("Say in a few words how it was solved."))
    return _close(pain_point, actor, "solve", resolution, solved=True, base_version=base_version, op_id=op_id)


def pain_point_mark_wont_fix(
    *, pain_point: PainPoint, actor: Any, reason: str, base_version: int | None, op_id: str = ""
) -> PainPoint:
    reason = required_text(reason, "reason", _("Give the reason it will not be fixed."))
    return _close(pain_point, actor, "wont_fix", reason, solved=False, base_version=base_version, op_id=op_id)


def _close(
    pain_point: PainPoint,
    actor: Any,
    action: str,
    resolution: str,
    *,
    solved: bool,
    base_version: int | None,
    op_id: str,
) -> PainPoint:
    """Solved, or won't be fixed: `resolution` says how or why; whoever closes an unowned pain point owns it."""
    attempted = {"resolution": resolution, "text": resolution}
    with _lifecycle(
        pain_point, actor=actor, action=action, base_version=base_version, attempted=attempted, op_id=op_id
    ) as current:
        current.resolution, current.solved_at = resolution, timezone.now() if solved else None
        current.owner = current.owner or actor
    return current


def pain_point_reopen(
    *, pain_point: PainPoint, actor: Any, reason: str, base_version: int | None, op_id: str = ""
) -> PainPoint:
    reason = required_text(reason, "reason", _("Say why it is reopened: how does the customer still suffer?"))
    attempted = {"status": Status.OPEN.label, "text": reason}
    with _lifecycle(
        pain_point, actor=actor, action="reopen", base_version=base_version, attempted=attempted, op_id=op_id
    ) as current:
        current.owner, current.solved_at, current.resolution = None, None, ""
    return current


def pain_point_comment(*, pain_point: PainPoint, actor: Any, text: str, op_id: str = "") -> PainPointActivity:
    text = required_text(text, "text", _("Write a comment first."))
    with _lifecycle(
        pain_point, actor=actor, action="comment", base_version=None, attempted={"text": text}, op_id=op_id
    ) as current:
        pass
    return current.activities.order_by("-created_at", "-id").first()
