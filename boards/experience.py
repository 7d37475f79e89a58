"""The experience curve drawn by the server (journeys.experience gives the pieces): customers' score and the staff's
estimate per step as two lines, the gap between them shaded, steps without a score left as gaps.

Drawn in three places from one function: a thin lane under the board's lanes (points under the cards' columns, so it
follows the board, the projector and the SVG export), and the mirror survey page (points in process order, labelled).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from journeys import mirror
from journeys.experience import CUSTOMER, STAFF, CurvePoint, gap_bands, has_scores, merged, runs
from journeys.models import Journey
from journeys.selectors import BoardData

LANE_CURVE_HEIGHT = 104  # the thin lane under the board's lanes
PAGE_CURVE_HEIGHT = 220
PAGE_STEP_SPACING = 120
PAGE_MARGIN = 48
GUIDE_SCORES = (1, 5.5, 10)


@dataclass
class CurveDrawing:
    width: float
    height: int
    top: int
    bottom: int
    staff_paths: list[str] = field(default_factory=list)
    customer_paths: list[str] = field(default_factory=list)
    staff_dots: list[tuple[float, float]] = field(default_factory=list)
    customer_dots: list[tuple[float, float]] = field(default_factory=list)
    bands: list[str] = field(default_factory=list)
    guides: list[tuple[float, str]] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)  # (x, step title) under the points, on the page
    points: list[CurvePoint] = field(default_factory=list)

    @property
    def scored_staff(self) -> int:
        return sum(point.staff is not None for point in self.points)

    @property
    def scored_customer(self) -> int:
        return sum(point.customer is not None for point in self.points)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def draw(
    points: list[CurvePoint],
    *,
    width: float,
    height: int,
    x_of: Callable[[float], float],
    top: int = 12,
    bottom: int = 12,
) -> CurveDrawing:
    span = height - top - bottom

    def y_of(score: float) -> float:
        return round(top + (10 - score) / 9 * span, 1)

    drawing = CurveDrawing(width, height, top, bottom, points=points)
    drawing.guides = [(y_of(score), _number(score)) for score in GUIDE_SCORES]
    for series, paths, dots in (
        (STAFF, drawing.staff_paths, drawing.staff_dots),
        (CUSTOMER, drawing.customer_paths, drawing.customer_dots),
    ):
        for run in runs(points, series):
            coordinates = [(round(x_of(x), 1), y_of(value)) for x, value in run]
            dots.extend(coordinates)
            if len(coordinates) > 1:
                paths.append("M" + " L".join(f"{x},{y}" for x, y in coordinates))
    for band in gap_bands(points):
        upper = [f"{round(x_of(p.x), 1)},{y_of(p.staff)}" for p in band]
        lower = [f"{round(x_of(p.x), 1)},{y_of(p.customer)}" for p in reversed(band)]
        drawing.bands.append("M" + " L".join(upper + lower) + " Z")
    return drawing


def board_curve(board: BoardData, *, column_width: int, card_width: int) -> CurveDrawing | None:
    """The curve under the board's columns, once the mirror survey is revealed and has a score; else None."""
    scores = mirror.revealed_step_scores(board.journey)
    if not scores:
        return None
    points = merged(
        CurvePoint(board.layout.columns[step.pk], *scores.get(step.pk, (None, None))) for step in board.steps
    )
    if not has_scores(points):
        return None
    return draw(
        points,
        width=max(board.layout.column_count, 1) * column_width,
        height=LANE_CURVE_HEIGHT,
        x_of=lambda column: column * column_width + card_width / 2,
    )


def page_curve(journey: Journey, results: mirror.MirrorResults) -> CurveDrawing | None:
    """The curve along the process order for the mirror survey page, each point labelled with its step."""
    if not results.revealed:
        return None
    rows = sorted(results.step_rows, key=lambda row: (row.step.position, row.step.pk))
    points = [
        CurvePoint(index, row.staff_mean, float(row.customer_score) if row.customer_score is not None else None)
        for index, row in enumerate(rows)
    ]
    if not has_scores(points):
        return None

    def x_of(index: float) -> float:
        return PAGE_MARGIN + index * PAGE_STEP_SPACING

    width = PAGE_MARGIN * 2 + max(len(rows) - 1, 0) * PAGE_STEP_SPACING
    drawing = draw(points, width=width, height=PAGE_CURVE_HEIGHT, x_of=x_of, top=16, bottom=44)
    drawing.labels = [(x_of(index), row.step.title) for index, row in enumerate(rows)]
    return drawing
