"""Every write of the workshop tools. Each runs inside `journey_change`, so it gets a sequence number, an event and
a live push; the facilitator-only ones check the role under the journey lock.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.changes import journey_change
from journeys.errors import FacilitatorOnly  # noqa: F401  (raised by require_facilitator)
from journeys.models import Journey, PainPoint, Step
from journeys.permissions import require_facilitator
from workshops import timer as timer_math
from workshops.models import (
    CustomerIndicator,
    Dot,
    FacilitatorFocus,
    Indicator,
    ScoreMeasurement,
    VotingRound,
    WorkshopTimer,
)

MAX_DOTS = 20
MIN_TIMER_SECONDS, MAX_TIMER_SECONDS = 10, 3 * 60 * 60
SCORE_RANGES = {Indicator.CSAT: (Decimal(0), Decimal(100)), Indicator.NPS: (Decimal(-100), Decimal(100))}


# Customer indicator ------------------------------------------------------------------------------------------------


def customer_indicator_set(*, journey: Journey, actor: Any, kind: str, op_id: str = "") -> CustomerIndicator:
    if kind not in Indicator.values:
        raise ValidationError({"kind": _("Choose CSAT or NPS.")})
    with journey_change(journey=journey, actor=actor, kind="score.indicator_set", op_id=op_id) as change:
        require_facilitator(journey, actor)
        indicator, _created = CustomerIndicator.objects.update_or_create(journey=journey, defaults={"kind": kind})
        change.touch(indicator=True)
    return indicator


def indicator_measurement_record(
    *,
    journey: Journey,
    actor: Any,
    measured_on: date,
    value: Decimal,
    responses: int | None = None,
    op_id: str = "",
) -> ScoreMeasurement:
    """Record the score measured on a day; a second measurement for the same day replaces the first."""
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("A measurement cannot be in the future.")})
    with journey_change(journey=journey, actor=actor, kind="score.recorded", op_id=op_id) as change:
        require_facilitator(journey, actor)
        kind = CustomerIndicator.objects.filter(journey=journey).values_list("kind", flat=True).first()
        kind = kind or Indicator.CSAT
        low, high = SCORE_RANGES[Indicator(kind)]
        if not low <= value <= high:
            message = _("A score lies between %(low)s and %(high)s.") % {"low": low, "high": high}
            raise ValidationError({"value": message})
        measurement, _created = ScoreMeasurement.objects.update_or_create(
            journey=journey,
            indicator=kind,
            measured_on=measured_on,
            defaults={"value": value, "responses": responses, "entered_by": actor},
        )
        change.touch(indicator=True)
    return measurement


# Dot-voting -------------------------------------------------------------------------------------------------------


def voting_round_start(*, journey: Journey, actor: Any, dots_per_participant: int, op_id: str = "") -> VotingRound:
    if not 1 <= dots_per_participant <= MAX_DOTS:
        raise ValidationError(
            {"dots_per_participant": _("Give each participant between 1 and %(max)s dots.") % {"max": MAX_DOTS}}
        )
    with journey_change(journey=journey, actor=actor, kind="voting.started", op_id=op_id) as change:
        require_facilitator(journey, actor)
        if VotingRound.objects.filter(journey=journey, ended_at__isnull=True).exists():
            raise ValidationError(_("A voting round is already open. End it first."))
        voting = VotingRound.objects.create(
            journey=journey,
            dots_per_participant=dots_per_participant,
            started_by=actor,
            started_at=timezone.now(),
        )
        change.touch(voting=voting.pk)
    return voting


def _open_round(voting: VotingRound) -> VotingRound:
    """The round as it is now (read under the journey lock), refusing one that has ended."""
    current = VotingRound.objects.get(pk=voting.pk)
    if not current.is_open:
        raise ValidationError(_("This voting round has ended."))
    return current


def voting_round_end(*, voting: VotingRound, actor: Any, op_id: str = "") -> VotingRound:
    with journey_change(journey=voting.journey, actor=actor, kind="voting.ended", op_id=op_id) as change:
        require_facilitator(voting.journey, actor)
        voting = _open_round(voting)
        voting.ended_at = timezone.now()
        voting.save(update_fields=["ended_at"])
        change.touch(voting=voting.pk)
    return voting


def voting_tallies_show(*, voting: VotingRound, actor: Any, visible: bool, op_id: str = "") -> VotingRound:
    with journey_change(journey=voting.journey, actor=actor, kind="voting.tallies", op_id=op_id) as change:
        require_facilitator(voting.journey, actor)
        voting = _open_round(voting)
        voting.tallies_visible = visible
        voting.save(update_fields=["tallies_visible"])
        change.touch(voting=voting.pk)
    return voting


def _check_votable(voting: VotingRound, pain_point: PainPoint) -> None:
    if pain_point.journey_id != voting.journey_id:
        raise ValidationError({"pain_point": _("That pain point is not on this journey.")})
    if not pain_point.is_open:
        raise ValidationError({"pain_point": _("That pain point is already closed; vote on open ones.")})


def dot_place(*, voting: VotingRound, actor: Any, pain_point: PainPoint, op_id: str = "") -> Dot:
    _check_votable(voting, pain_point)
    with journey_change(journey=voting.journey, actor=actor, kind="vote.placed", op_id=op_id) as change:
        voting = _open_round(voting)
        used = Dot.objects.filter(round=voting, participant=actor).count()
        if used >= voting.dots_per_participant:
            raise ValidationError(
                _("You have placed all your %(count)s dots. Remove one to vote elsewhere.")
                % {"count": voting.dots_per_participant}
            )
        dot = Dot.objects.create(round=voting, participant=actor, pain_point=pain_point, placed_at=timezone.now())
        change.touch(voting=voting.pk)
    return dot


def dot_remove(*, voting: VotingRound, actor: Any, pain_point: PainPoint, op_id: str = "") -> None:
    with journey_change(journey=voting.journey, actor=actor, kind="vote.removed", op_id=op_id) as change:
        voting = _open_round(voting)
        dot = Dot.objects.filter(round=voting, participant=actor, pain_point=pain_point).last()
        if dot is None:
            raise ValidationError({"pain_point": _("You have no dot on that pain point.")})
        dot.delete()
        change.touch(voting=voting.pk)


# Timer ------------------------------------------------------------------------------------------------------------


def _check_duration(duration_seconds: int | None) -> None:
    if duration_seconds is not None and not MIN_TIMER_SECONDS <= duration_seconds <= MAX_TIMER_SECONDS:
        raise ValidationError({"minutes": _("Set the timer between 10 seconds and 3 hours.")})


def _timer_of(journey: Journey) -> WorkshopTimer:
    """The journey's timer, made on first use; callers hold the journey lock, so there is one."""
    timer, _created = WorkshopTimer.objects.get_or_create(journey=journey)
    return timer


def timer_start(
    *,
    journey: Journey,
    actor: Any,
    duration_seconds: int | None = None,
    now: datetime | None = None,
    op_id: str = "",
) -> WorkshopTimer:
    """Start the countdown; a paused timer resumes where it stopped (a new duration then waits for a reset)."""
    _check_duration(duration_seconds)
    now = now or timezone.now()
    with journey_change(journey=journey, actor=actor, kind="timer.started", op_id=op_id) as change:
        require_facilitator(journey, actor)
        timer = _timer_of(journey)
        state = _state(timer, now)
        if state.status == timer_math.RUNNING:
            raise ValidationError(_("The timer is already running."))
        if state.status != timer_math.PAUSED:
            timer.duration_seconds = duration_seconds or timer.duration_seconds
            timer.remaining_seconds = timer.duration_seconds
        timer.started_at = now
        timer.save()
        change.touch(timer=True)
    return timer


def timer_pause(*, journey: Journey, actor: Any, now: datetime | None = None, op_id: str = "") -> WorkshopTimer:
    now = now or timezone.now()
    with journey_change(journey=journey, actor=actor, kind="timer.paused", op_id=op_id) as change:
        require_facilitator(journey, actor)
        timer = _timer_of(journey)
        state = _state(timer, now)
        if state.status != timer_math.RUNNING:
            raise ValidationError(_("The timer is not running."))
        timer.started_at, timer.remaining_seconds = None, state.remaining_seconds
        timer.save()
        change.touch(timer=True)
    return timer


def timer_reset(*, journey: Journey, actor: Any, duration_seconds: int | None = None, op_id: str = "") -> WorkshopTimer:
    _check_duration(duration_seconds)
    with journey_change(journey=journey, actor=actor, kind="timer.reset", op_id=op_id) as change:
        require_facilitator(journey, actor)
        timer = _timer_of(journey)
        timer.duration_seconds = duration_seconds or timer.duration_seconds
        timer.started_at, timer.remaining_seconds = None, timer.duration_seconds
        timer.save()
        change.touch(timer=True)
    return timer


def _state(timer: WorkshopTimer, now: datetime) -> timer_math.TimerState:
    return timer_math.timer_state(
        duration_seconds=timer.duration_seconds,
        started_at=timer.started_at,
        remaining_seconds=timer.remaining_seconds,
        now=now,
    )


# Facilitator focus ------------------------------------------------------------------------------------------------


def focus_set(*, journey: Journey, actor: Any, step: Step | None, op_id: str = "") -> FacilitatorFocus:
    """Present a step on the projector (and to everyone following the facilitator); None stops presenting."""
    if step is not None and step.journey_id != journey.pk:
        raise ValidationError({"step": _("That step is not on this journey.")})
    with journey_change(journey=journey, actor=actor, kind="focus.moved", op_id=op_id) as change:
        require_facilitator(journey, actor)
        focus, _created = FacilitatorFocus.objects.update_or_create(journey=journey, defaults={"step": step})
        change.touch(focus=step.pk if step is not None else True)
    return focus
