"""Geometry of the value versus effort matrix, as plain numbers for the template to draw (like dashboard/charts.py).

Effort runs left (low) to right (high), value bottom (low) to top (high), both from 1 to 5; the middle lines cut
the plane into quick wins (top left), big bets (top right), fill-ins and money pits. Dots that land on the same
spot are spread sideways so each can be clicked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from priorities.selectors import Item

WIDTH, HEIGHT = 640, 440
LEFT, RIGHT, TOP, BOTTOM = 56, 620, 20, 392
LOW, HIGH = 1, 5
SPREAD = 14


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    number: int
    item: Item


@dataclass(frozen=True)
class Matrix:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    middle_x: float
    middle_y: float
    ticks: list[tuple[float, float, int]]  # (x, y, value) of the 1..5 marks on both axes
    dots: list[Dot]


# Half a step of room on each side, so a dot at 1 or 5 sits inside the axes, not on them.
START, END = LOW - 0.5, HIGH + 0.5


def x_of(effort: float) -> float:
    return round(LEFT + (effort - START) / (END - START) * (RIGHT - LEFT), 1)


def y_of(value: float) -> float:
    return round(BOTTOM - (value - START) / (END - START) * (BOTTOM - TOP), 1)


def matrix(items: list[Item]) -> Matrix:
    """The placed items (value and effort known) as numbered dots; numbers follow the table's order."""
    at: dict[tuple[float, float], list[tuple[int, Item]]] = defaultdict(list)
    for number, item in enumerate(items, start=1):
        if item.placed:
            at[(x_of(item.effort), y_of(item.value))].append((number, item))
    dots = [
        Dot(x=round(x + (index - (len(group) - 1) / 2) * SPREAD, 1), y=y, number=number, item=item)
        for (x, y), group in at.items()
        for index, (number, item) in enumerate(group)
    ]
    ticks = [(x_of(v), y_of(v), v) for v in range(LOW, HIGH + 1)]
    middle = (LOW + HIGH) / 2
    return Matrix(
        WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, x_of(middle), y_of(middle), ticks, sorted(dots, key=lambda d: d.number)
    )
