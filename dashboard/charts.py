"""Geometry of the dashboard's server-rendered SVG charts, as plain numbers for the templates to draw.

The weekly chart has two panels on one time axis: the open backlog as a line on top, and below it the pain points
opened (bars up) against those solved (bars down), so a week where more came in than went out shows at a glance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboard.stats import STATUSES, StatusRow, WeeklySeries


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def bottom(self) -> float:
        return round(self.y + self.height, 1)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int


@dataclass(frozen=True)
class XLabel:
    x: float
    text: str


@dataclass(frozen=True)
class WeeklyChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    backlog_top: float
    backlog_bottom: float
    flow_top: float
    zero_y: float
    flow_bottom: float
    backlog_ticks: list[Tick]
    flow_ticks: list[Tick]
    opened: list[Bar]
    solved: list[Bar]
    opened_path: str
    solved_path: str
    backlog: list[Point]
    backlog_line: str
    backlog_area: str
    x_labels: list[XLabel]
    bar_labels: bool


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value` (1 for nothing)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def _ticks(top: int, y_of, count: int = 2) -> list[Tick]:
    return [Tick(round(y_of(top * i / count), 1), _short(top * i / count)) for i in range(count + 1)]


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def weekly_chart(
    series: WeeklySeries,
    labels: list[str],
    *,
    width: int = 1160,
    height: int = 330,
    compact: bool = False,
) -> WeeklyChart:
    weeks = len(labels)
    left, right = (4.0, width - 4.0) if compact else (44.0, width - 12.0)
    top, bottom = (4.0, height - 4.0) if compact else (22.0, height - 26.0)
    gap = 6.0 if compact else 34.0
    backlog_bottom = top + (bottom - top - gap) * 0.42
    flow_top = backlog_bottom + gap
    slot = (right - left) / max(weeks, 1)
    centre = [left + slot * (index + 0.5) for index in range(weeks)]

    backlog_max = nice_ceiling(max(series.backlog, default=0))
    flow_max = nice_ceiling(max(series.opened + series.solved, default=0))
    zero_y = (flow_top + bottom) / 2

    def backlog_y(value: float) -> float:
        return backlog_bottom - (backlog_bottom - top) * value / backlog_max

    def flow_height(value: float) -> float:
        return (zero_y - flow_top) * value / flow_max

    bar_width = slot * (0.56 if compact else 0.5)

    def bar(x: float, value: int, *, up: bool) -> Bar:
        height = flow_height(value)
        top = zero_y - height if up else zero_y
        return Bar(round(x - bar_width / 2, 1), round(top, 1), round(bar_width, 1), round(height, 1), value)

    opened = [bar(x, v, up=True) for x, v in zip(centre, series.opened, strict=True)]
    solved = [bar(x, v, up=False) for x, v in zip(centre, series.solved, strict=True)]
    points = [Point(round(x, 1), round(backlog_y(v), 1), v) for x, v in zip(centre, series.backlog, strict=True)]
    line = " ".join(f"{'M' if i == 0 else 'L'}{number(p.x)},{number(p.y)}" for i, p in enumerate(points))
    floor = number(backlog_bottom)
    area = f"{line} L{number(points[-1].x)},{floor} L{number(points[0].x)},{floor} Z" if points else ""
    every = max(1, math.ceil(weeks / 13))
    x_labels = [XLabel(round(centre[i], 1), labels[i]) for i in range(weeks) if (weeks - 1 - i) % every == 0]
    return WeeklyChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        backlog_top=top,
        backlog_bottom=round(backlog_bottom, 1),
        flow_top=round(flow_top, 1),
        zero_y=round(zero_y, 1),
        flow_bottom=bottom,
        backlog_ticks=_ticks(backlog_max, backlog_y),
        flow_ticks=[
            Tick(round(zero_y - flow_height(flow_max), 1), _short(flow_max)),
            Tick(round(zero_y, 1), "0"),
            Tick(round(zero_y + flow_height(flow_max), 1), _short(flow_max)),
        ],
        opened=opened,
        solved=solved,
        opened_path=bars_path(opened),
        solved_path=bars_path(solved),
        backlog=points,
        backlog_line=line,
        backlog_area=area,
        x_labels=[] if compact else x_labels,
        bar_labels=not compact and weeks <= 16,
    )


def number(value: float) -> str:
    """A coordinate for SVG: a dot for decimals whatever the language, no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bars_path(bars: list[Bar]) -> str:
    """All bars of one series as a single path: one element for the page to draw, however many weeks."""
    return " ".join(
        f"M{number(bar.x)},{number(bar.y)}h{number(bar.width)}v{number(bar.height)}h-{number(bar.width)}z"
        for bar in bars
        if bar.value
    )


@dataclass(frozen=True)
class Segment:
    status: str
    value: int
    percent: float

    @property
    def width(self) -> str:
        return f"{number(self.percent)}%"


def status_segments(row: StatusRow, scale: int) -> list[Segment]:
    """The pieces of one row's stacked bar, as percentages of `scale` (the largest row total) so rows compare."""
    scale = max(scale, 1)
    return [
        Segment(status, row.count(status), round(100 * row.count(status) / scale, 2))
        for status in STATUSES
        if row.count(status)
    ]
