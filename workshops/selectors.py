"""Reads of the workshop tools. `indicator_summary` (one journey) and `indicator_summaries` (many, in one
query) are meant for reuse by other pages: the manager dashboard shows every journey's score with its trend."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from journeys.models import Journey, PainPoint, Step
from journeys.selectors import OPEN_STATUSES
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

SPARKLINE_POINTS = 12
SPARKLINE_WIDTH, SPARKLINE_HEIGHT = 80, 22
SEVERITY_ORDER = {PainPoint.Severity.HIGH: 0, PainPoint.Severity.MEDIUM: 1, PainPoint.Severity.LOW: 2}


# Customer indicator ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: str
    indicator_label: str
    latest: Decimal | None
    latest_on: date | None
    change: Decimal | None  # latest minus the measurement before it
    trend: str  # "up" / "down" / "flat" / "" (fewer than two measurements)
    history: list[tuple[date, Decimal]]  # oldest first, at most SPARKLINE_POINTS
    sparkline: str  # SVG polyline points for the history


def indicator_summary(journey: Journey) -> IndicatorSummary:
    kind = CustomerIndicator.objects.filter(journey=journey).values_list("kind", flat=True).first() or Indicator.CSAT
    recent = ScoreMeasurement.objects.filter(journey=journey, indicator=kind).order_by("-measured_on")
    history = [(m.measured_on, m.value) for m in reversed(recent[:SPARKLINE_POINTS])]
    return summary_of(kind, history, history)


def summary_of(
    kind: str,
    measurements: list[tuple[date, Decimal]],
    history: list[tuple[date, Decimal]],
    *,
    width: int = SPARKLINE_WIDTH,
    height: int = SPARKLINE_HEIGHT,
) -> IndicatorSummary:
    """A summary from a journey's `measurements` (oldest first; at least the latest two) and the `history` to draw."""
    latest = measurements[-1] if measurements else (None, None)
    change = measurements[-1][1] - measurements[-2][1] if len(measurements) > 1 else None
    return IndicatorSummary(
        indicator=kind,
        indicator_label=Indicator(kind).label,
        latest=latest[1],
        latest_on=latest[0],
        change=change,
        trend=trend_of(change),
        history=history,
        sparkline=sparkline_points([value for _day, value in history], width, height),
    )


def indicator_summaries(
    journeys: QuerySet[Journey], *, since: date, points: int, width: int, height: int
) -> dict[int, tuple[str, IndicatorSummary]]:
    """Journey id -> (title, summary) for each of `journeys` with a measurement of its indicator, in one query.

    The latest value and its change come from the two newest measurements, however old; the history (the
    sparkline) holds the measurements on or after `since`, the newest `points` of them."""
    indicator_now = Coalesce(
        Subquery(CustomerIndicator.objects.filter(journey=OuterRef("journey_id")).values("kind")[:1]),
        Value(Indicator.CSAT.value),
    )
    newest_first = Window(RowNumber(), partition_by=[F("journey_id")], order_by=F("measured_on").desc())
    rows = (
        ScoreMeasurement.objects.filter(journey__in=journeys)
        .annotate(indicator_now=indicator_now)
        .filter(indicator=F("indicator_now"))
        .annotate(recency=newest_first)
        .filter(Q(recency__lte=2) | Q(measured_on__gte=since, recency__lte=points))
        .order_by("journey_id", "measured_on")
        .values_list("journey_id", "journey__title", "indicator", "measured_on", "value")
    )
    grouped: dict[int, tuple[str, str, list[tuple[date, Decimal]]]] = {}
    for journey_id, title, kind, day, value in rows:
        grouped.setdefault(journey_id, (title, kind, []))[2].append((day, value))
    return {
        journey_id: (
            title,
            summary_of(kind, measured, [m for m in measured if m[0] >= since], width=width, height=height),
        )
        for journey_id, (title, kind, measured) in grouped.items()
    }


def trend_of(change: Decimal | None) -> str:
    if change is None:
        return ""
    return "up" if change > 0 else "down" if change < 0 else "flat"


def sparkline_points(values: list[Decimal], width: int, height: int, pad: int = 2) -> str:
    """SVG polyline points, left (oldest) to right, scaled to the values' own range; a flat line when they agree."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = float(high - low) or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = []
    for index, value in enumerate(values):
        x = pad + index * step
        y = height / 2 if high == low else pad + (height - 2 * pad) * (1 - float(value - low) / span)
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)


# Dot-voting -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteRow:
    pain_point: PainPoint
    dots: int
    rank: int


@dataclass(frozen=True)
class VotingBoard:
    round: VotingRound | None
    rows: list[VoteRow]  # ranked once the round has ended, otherwise in board order
    dots_placed: int
    voters: int

    @property
    def dots_per_step(self) -> list[tuple[int, int]]:
        """(step id, dots on its pain points) for the steps that got dots, for the badges on the cards."""
        per_step: Counter[int] = Counter()
        for row in self.rows:
            if row.dots:
                per_step[row.pain_point.step_id] += row.dots
        return sorted(per_step.items())


def latest_round(journey: Journey) -> VotingRound | None:
    return VotingRound.objects.filter(journey=journey).first()


def rank_pain_points(pain_points: list[PainPoint], tallies: dict[int, int]) -> list[VoteRow]:
    """Most dots first; equal dots share a rank (1, 1, 3); ties list the more severe pain point first."""
    ordered = sorted(pain_points, key=lambda p: (-tallies.get(p.pk, 0), SEVERITY_ORDER.get(p.severity, 9), p.pk))
    rows: list[VoteRow] = []
    for position, pain_point in enumerate(ordered, start=1):
        dots = tallies.get(pain_point.pk, 0)
        rank = rows[-1].rank if rows and rows[-1].dots == dots else position
        rows.append(VoteRow(pain_point, dots, rank))
    return rows


def voting_board(journey: Journey) -> VotingBoard:
    voting = latest_round(journey)
    if voting is None:
        return VotingBoard(None, [], 0, 0)
    dots = list(Dot.objects.filter(round=voting).values_list("pain_point_id", "participant_id"))
    tallies = Counter(pain_point_id for pain_point_id, _participant in dots)
    candidates = PainPoint.objects.filter(journey=journey).select_related("step").order_by("step__position", "id")
    if voting.is_open:
        pain_points = list(candidates.filter(status__in=OPEN_STATUSES))
        rows = [VoteRow(p, tallies.get(p.pk, 0), 0) for p in pain_points]
    else:
        rows = rank_pain_points(list(candidates.filter(pk__in=tallies.keys())), tallies)
    return VotingBoard(voting, rows, len(dots), len({participant for _p, participant in dots}))


def dots_of(voting: VotingRound, user: Any) -> dict[str, Any]:
    """One participant's own dots: what the shared, user-independent voting panel cannot show."""
    mine = Counter(Dot.objects.filter(round=voting, participant=user).values_list("pain_point_id", flat=True))
    return {
        "round": voting.pk,
        "open": voting.is_open,
        "dots_per_participant": voting.dots_per_participant,
        "dots_left": max(voting.dots_per_participant - sum(mine.values()), 0),
        "mine": {str(pk): count for pk, count in mine.items()},
    }


# Timer and focus --------------------------------------------------------------------------------------------------


def timer_state(journey: Journey, now: datetime | None = None) -> timer_math.TimerState:
    timer = WorkshopTimer.objects.filter(journey=journey).first() or WorkshopTimer(journey=journey)
    return timer_math.timer_state(
        duration_seconds=timer.duration_seconds,
        started_at=timer.started_at,
        remaining_seconds=timer.remaining_seconds,
        now=now or timezone.now(),
    )


def focus_step(journey: Journey) -> Step | None:
    focus = FacilitatorFocus.objects.filter(journey=journey).select_related("step").first()
    return focus.step if focus else None
