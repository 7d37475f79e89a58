"""Geometry of the flow view's chart, as plain numbers for the template to draw (an SVG with a table behind it).

The main route as a staircase on one time axis: each step is a row; its bar starts where the step before ended,
first the waiting before it (grey) then its work (the lane's colour). The long grey stretches are where the
customer's question sits in a queue; the share of colour is the flow efficiency.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeys.flow import MainRoute
from journeys.models import Step

WIDTH = 960
LABEL_WIDTH = 300
RIGHT_MARGIN = 20
ROW_HEIGHT = 30
BAR_HEIGHT = 16
TOP = 34  # room for the axis labels
MIN_BAR = 2.0  # a 10-minute step on a four-day axis still shows
MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR
TICK_STEPS = [
    1,
    5,
    10,
    15,
    30,
    60,
    2 * 60,
    4 * 60,
    8 * 60,
    12 * 60,
    MINUTES_PER_DAY,
    2 * MINUTES_PER_DAY,
    7 * MINUTES_PER_DAY,
    14 * MINUTES_PER_DAY,
    30 * MINUTES_PER_DAY,
    90 * MINUTES_PER_DAY,
]


@dataclass(frozen=True)
class RouteLeg:
    """A step of the main route with the minutes before it starts and the minutes it takes, and when it ends."""

    number: int
    step: Step
    wait_minutes: int | None
    work_minutes: int | None
    ends_at: int  # lead time so far, in minutes

    @property
    def colour(self) -> str:
        return self.step.department.colour if self.step.department else "#9aa3ad"


@dataclass(frozen=True)
class ChartRow:
    leg: RouteLeg
    y: float
    label_y: float
    wait_x: float
    wait_width: float
    work_x: float
    work_width: float


@dataclass(frozen=True)
class Tick:
    x: float
    minutes: int


@dataclass(frozen=True)
class RouteChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    axis_y: float
    bottom: float
    rows: list[ChartRow]
    ticks: list[Tick]
    total_minutes: int
    bar_height: int = BAR_HEIGHT
    row_height: int = ROW_HEIGHT
    label_width: int = LABEL_WIDTH - 12


def legs_with_steps(route: MainRoute, steps: dict[int, Step]) -> list[RouteLeg]:
    legs, elapsed = [], 0
    for number, leg in enumerate(route.legs, start=1):
        elapsed += (leg.wait_minutes or 0) + (leg.work_minutes or 0)
        legs.append(RouteLeg(number, steps[leg.step], leg.wait_minutes, leg.work_minutes, elapsed))
    return legs


def route_chart(legs: list[RouteLeg]) -> RouteChart:
    total = legs[-1].ends_at if legs else 0
    left, right = float(LABEL_WIDTH), float(WIDTH - RIGHT_MARGIN)
    scale = (right - left) / max(total, 1)
    rows, start = [], 0
    for index, leg in enumerate(legs):
        wait, work = leg.wait_minutes or 0, leg.work_minutes or 0
        y = TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        wait_x = left + start * scale
        wait_width = wait * scale if wait else 0.0
        work_width = max(work * scale, MIN_BAR)
        work_x = min(wait_x + wait_width, right - work_width)
        rows.append(
            ChartRow(
                leg=leg,
                y=round(y, 1),
                label_y=TOP + index * ROW_HEIGHT,
                wait_x=round(wait_x, 1),
                wait_width=round(wait_width, 1),
                work_x=round(work_x, 1),
                work_width=round(work_width, 1),
            )
        )
        start += wait + work
    bottom = TOP + len(legs) * ROW_HEIGHT
    return RouteChart(
        width=WIDTH,
        height=int(bottom + 8),
        plot_left=left,
        plot_right=right,
        axis_y=TOP - 8,
        bottom=bottom,
        rows=rows,
        ticks=_ticks(total, left, scale),
        total_minutes=total,
    )


def _ticks(total: int, left: float, scale: float, wanted: int = 6) -> list[Tick]:
    step = next((step for step in TICK_STEPS if total / step <= wanted), TICK_STEPS[-1])
    return [Tick(round(left + minutes * scale, 1), minutes) for minutes in range(0, total + 1, step)]
