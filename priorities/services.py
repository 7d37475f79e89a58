"""Scoring value and effort. A pain point's score is a change of its journey; a fix's a change of every journey it
touches (`fixes.services.on_its_journeys`). Only open things are scored: the matrix is for choosing what to do next."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fixes.models import Fix
from fixes.services import on_its_journeys
from journeys import permissions
from journeys.changes import Change, bump_version, journey_change
from journeys.errors import NotAllowed
from journeys.models import PainPoint
from priorities.models import HIGH, LOW, Score


def _check(values: dict[str, int | None]) -> None:
    wrong = {
        name: _("Choose 1 to 5, or leave it empty.")
        for name, value in values.items()
        if value is not None and not LOW <= value <= HIGH
    }
    if wrong:
        raise ValidationError(wrong)


def _save(change: Change | None, score: Score, created: bool, values: dict[str, int | None]) -> Score:
    if change is not None:
        change.created(score) if created else change.snapshot(score)
    for name, value in values.items():
        setattr(score, name, value)
    bump_version(score)
    score.save()
    return score


def pain_point_score(
    *, pain_point: PainPoint, actor: Any, customer_value: int | None, business_value: int | None,
    effort: int | None, op_id: str = "",
) -> Score:  # fmt: skip
    values = {"customer_value": customer_value, "business_value": business_value, "effort": effort}
    _check(values)
    with journey_change(journey=pain_point.journey, actor=actor, kind="pain_point.scored", op_id=op_id) as change:
        if not permissions.may_act_on_pain_point(pain_point, actor):
            raise NotAllowed(_("Only its departments or the journey's facilitator score this pain point."))
        if not PainPoint.objects.get(pk=pain_point.pk).is_open:
            raise ValidationError(_("Only open pain points are scored."))
        score, created = Score.objects.select_for_update().get_or_create(pain_point=pain_point)
        _save(change, score, created, values)
        change.touch(pain_point=pain_point.pk, score=score.pk)
    return score


def fix_score(
    *, fix: Fix, actor: Any, customer_value: int | None, business_value: int | None, effort: int | None
) -> Score:
    values = {"customer_value": customer_value, "business_value": business_value, "effort": effort}
    _check(values)
    if not permissions.may_change_fix(fix.owner_id, fix.created_by_id, actor):
        raise NotAllowed(_("Only the fix's owner, whoever started it, or a manager can change it."))
    if fix.state not in (Fix.State.PLANNED, Fix.State.IN_PROGRESS):
        raise ValidationError(_("Only planned fixes and fixes in progress are scored."))
    with on_its_journeys(fix, actor, "fix.scored") as changes:
        score, created = Score.objects.select_for_update().get_or_create(fix=fix)
        _save(changes[0] if changes else None, score, created, values)
        for change in changes:
            change.touch(fix=fix.pk, score=score.pk)
    return score
