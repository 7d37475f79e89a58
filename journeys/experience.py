"""The experience curve: along the process, what customers score each step and what staff think they score, from the
mirror survey. Pure: points in, the pieces to draw out, no database.

A step without a score is a gap in its curve, never a zero: each curve is drawn as runs of neighbouring points that
both have a score, and the gap between the two curves is shaded only where both curves run side by side. Points that
share a place along the process (steps side by side in one column of the board) count as one, their mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

STAFF, CUSTOMER = "staff", "customer"


@dataclass(frozen=True)
class CurvePoint:
    x: float  # where along the process: a column of the board, or a step's place in the process order
    staff: float | None  # mean staff estimate, 1..10; None: nobody estimated it
    customer: float | None  # mean customer score, 1..10; None: no customer score


def merged(points: Iterable[CurvePoint]) -> list[CurvePoint]:
    """One point per place along the process, left to right; scores at one place are averaged, gaps stay gaps."""
    by_x: dict[float, list[CurvePoint]] = {}
    for point in points:
        by_x.setdefault(point.x, []).append(point)

    def mean(values: list[float | None]) -> float | None:
        present = [value for value in values if value is not None]
        return round(fmean(present), 2) if present else None

    return [
        CurvePoint(x, mean([p.staff for p in group]), mean([p.customer for p in group]))
        for x, group in sorted(by_x.items())
    ]


def runs(points: list[CurvePoint], series: str) -> list[list[tuple[float, float]]]:
    """The unbroken stretches of one curve: neighbouring points that all have a score. A point with no score ends a
    stretch; a lone scored point is a stretch of one (a dot, no line)."""
    found: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for point in points:
        value = getattr(point, series)
        if value is None:
            if current:
                found.append(current)
            current = []
        else:
            current.append((point.x, value))
    if current:
        found.append(current)
    return found


def gap_bands(points: list[CurvePoint]) -> list[list[CurvePoint]]:
    """Where both curves run side by side over two or more neighbouring points: the area between them is the gap."""
    bands: list[list[CurvePoint]] = []
    current: list[CurvePoint] = []
    for point in [*points, CurvePoint(float("inf"), None, None)]:
        if point.staff is not None and point.customer is not None:
            current.append(point)
            continue
        if len(current) > 1:
            bands.append(current)
        current = []
    return bands


def has_scores(points: Iterable[CurvePoint]) -> bool:
    return any(point.staff is not None or point.customer is not None for point in points)
