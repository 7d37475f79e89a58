"""Every write of the versions: keyword-only, through journeys.changes (one event each, live for everyone)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from exchange.services import journey_copy
from journeys.changes import journey_change
from journeys.models import Journey, Membership, PainPoint, Step
from journeys.permissions import require_facilitator
from journeys.text import required_text
from versions.models import JourneyVersion, PainPointAnswer, StepLineage
from versions.selectors import same_family

MAX_NAME = JourneyVersion._meta.get_field("name").max_length


def _clean_name(name: str) -> str:
    too_long = _("Keep the name to %(limit)s characters.") % {"limit": MAX_NAME}
    return required_text(
        name, "name", _("Give the version a name, e.g. As it should be."), limit=MAX_NAME, too_long=too_long
    )


def _check_free(family: Journey, name: str, *, keep: JourneyVersion | None = None) -> None:
    taken = JourneyVersion.objects.filter(family=family, name__iexact=name)
    if keep is not None:
        taken = taken.exclude(pk=keep.pk)
    if taken.exists():
        raise ValidationError({"name": _("Another version of this journey is called %(name)s.") % {"name": name}})


def version_name(*, journey: Journey, name: str, actor: Any, op_id: str = "") -> JourneyVersion:
    """Name this journey's version ("As it is"); a journey without versions becomes the first of its family."""
    name = _clean_name(name)
    require_facilitator(journey, actor)
    with journey_change(journey=journey, actor=actor, kind="version.named", op_id=op_id) as change:
        version = JourneyVersion.objects.filter(journey=journey).first()
        _check_free(version.family if version else journey, name, keep=version)
        if version is None:
            version = JourneyVersion.objects.create(journey=journey, family=journey, name=name)
        else:
            version.name = name
            version.save(update_fields=["name"])
        change.touch(versions=True)
    return version


def version_start(*, journey: Journey, name: str, actor: Any, op_id: str = "") -> Journey:
    """Start a new version from this one: a copy of its lanes, steps and hand-offs (not its pain points, which stay
    with the process they were found in), its members, and for each step the step it was copied from."""
    name = _clean_name(name)
    require_facilitator(journey, actor)
    with (
        transaction.atomic(),
        journey_change(journey=journey, actor=actor, kind="version.started", op_id=op_id) as change,
    ):
        source = JourneyVersion.objects.filter(journey=journey).first() or JourneyVersion.objects.create(
            journey=journey, family=journey, name=_("As it is")
        )
        _check_free(source.family, name)
        copy = journey_copy(journey=journey, actor=actor, title=journey.title)
        Membership.objects.bulk_create(
            Membership(journey=copy, user_id=user_id, role=role)
            for user_id, role in journey.memberships.exclude(user=actor).values_list("user_id", "role")
        )
        JourneyVersion.objects.create(journey=copy, family=source.family, name=name, based_on=journey)
        originals = Step.objects.filter(journey=journey).order_by("position", "id")
        copies = Step.objects.filter(journey=copy).order_by("position", "id")
        StepLineage.objects.bulk_create(
            StepLineage(step=step, origin=origin) for step, origin in zip(copies, originals, strict=True)
        )
        change.touch(versions=True)
    return copy


def pain_point_answer_set(*, pain_point: PainPoint, step: Step | None, actor: Any, op_id: str = "") -> None:
    """Link a pain point to the step of another version of its journey that answers it (None: unlink)."""
    if step is not None and not same_family(pain_point.journey_id, step.journey_id):
        raise ValidationError({"step": _("That step is not in another version of this journey.")})
    with journey_change(journey=pain_point.journey, actor=actor, kind="pain_point.answered", op_id=op_id) as change:
        current = PainPointAnswer.objects.filter(pain_point=pain_point).first()
        if current is not None:
            change.snapshot(current)
            current.delete()
        if step is not None:
            change.created(PainPointAnswer.objects.create(pain_point=pain_point, step=step))
        change.touch(pain_point=pain_point.pk, step=pain_point.step_id, versions=True)
