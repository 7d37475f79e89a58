"""Failure demand and flow over time: one figure per journey per day, and the trends the dashboard draws from them.

How the figures are kept: on change. After every committed change to a journey's steps, hand-offs, routes or lanes
(an undo, a redo or an import included), once its push is out and off the request, `record_after_change` recomputes
the journey's figures and writes them as today's row, so the row of a day is the journey as it stood after that
day's last change. Why on change rather than a nightly command: the figures only move when the board does, Journey
Board runs as one daphne process with no scheduler to rely on, and the cost is one flow computation per board change
(a few milliseconds; 50 ms for 2,000 steps), which the insights panel already pays. `manage.py record_flow_figures`
writes today's row for every journey, for a first fill after upgrading (journeys nobody changed since have no row
until then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from dashboard.models import JourneyFlowDay
from journeys import flow, insight_data
from journeys.models import Event, Journey

FLOW_CHANGES = ("step.", "handoff.", "lane.", "journey.", "undo", "redo")


def figures_of(figures: flow.Flow) -> dict[str, Any]:
    route = figures.main_route
    return {
        "contacts_per_question": figures.contacts,
        "failure_demand": figures.failure_demand,
        "rework_minutes": figures.rework_minutes,
        "lead_minutes": route.lead_minutes if route else None,
        "process_minutes": route.process_minutes if route else None,
        "flow_efficiency": route.flow_efficiency if route else None,
        "rolled_ca": route.rolled_ca if route else None,
    }


def flow_day_record(*, journey: Journey, day: date | None = None) -> JourneyFlowDay:
    values = figures_of(insight_data.journey_flow(journey))
    row, _created = JourneyFlowDay.objects.update_or_create(
        journey=journey, day=day or timezone.localdate(), defaults=values
    )
    return row


def record_after_change(changes: list[Event]) -> None:
    """After a run of committed changes to one journey (live.fanout.register_after_push): a change to what the
    figures read records the journey's figure of today."""
    if any(change.kind.startswith(FLOW_CHANGES) for change in changes):
        journey = Journey.objects.filter(pk=changes[-1].journey_id).first()
        if journey is not None:
            flow_day_record(journey=journey)


# Trends for the dashboard ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowTrend:
    journey_id: int
    title: str
    days: list[JourneyFlowDay]  # the day before the period (if any) and every recorded day in it, oldest first
    since: date

    @property
    def latest(self) -> JourneyFlowDay | None:
        return self.days[-1] if self.days else None

    @property
    def at_start(self) -> JourneyFlowDay | None:
        """The figures as they stood when the period began: the last row before it, else the first one in it."""
        return self.days[0] if self.days else None

    def change(self, name: str) -> float | None:
        if not self.days:
            return None
        first, last = getattr(self.at_start, name), getattr(self.latest, name)
        return None if first is None or last is None or len(self.days) < 2 else last - first


def flow_trends(journeys: QuerySet[Journey], *, since: date) -> list[FlowTrend]:
    """Every journey of `journeys`, by title, with its rows in the period and the last one before it. Two queries."""
    newest_first = Window(RowNumber(), partition_by=[F("journey_id")], order_by=F("day").desc())
    before = (
        JourneyFlowDay.objects.filter(journey__in=journeys, day__lt=since)
        .annotate(recency=newest_first)
        .filter(recency=1)
    )
    during = JourneyFlowDay.objects.filter(journey__in=journeys, day__gte=since)
    rows: dict[int, list[JourneyFlowDay]] = {}
    for row in sorted([*before, *during], key=lambda row: (row.journey_id, row.day)):
        rows.setdefault(row.journey_id, []).append(row)
    titles = journeys.order_by("title", "pk").values_list("pk", "title")
    return [FlowTrend(pk, title, rows.get(pk, []), since) for pk, title in titles]


def step_line(trend: FlowTrend, name: str, *, today: date, width: int, height: int, pad: int = 2) -> str:
    """SVG polyline points of one figure over the period, by date: it holds its value until the day it changed."""
    points = [(max(row.day, trend.since), getattr(row, name)) for row in trend.days]
    points = [(day, value) for day, value in points if value is not None]
    if not points:
        return ""
    low, high = min(v for _d, v in points), max(v for _d, v in points)
    span_days = max((today - trend.since).days, 1)

    def x(day: date) -> float:
        return pad + (width - 2 * pad) * (day - trend.since).days / span_days

    def y(value: float) -> float:
        return height / 2 if high == low else pad + (height - 2 * pad) * (1 - (value - low) / (high - low))

    line, previous = [], None
    for day, value in points:
        if previous is not None:
            line.append((x(day), y(previous)))
        line.append((x(day), y(value)))
        previous = value
    line.append((x(today), y(previous)))
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in line)
