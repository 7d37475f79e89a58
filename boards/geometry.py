"""Where things go on the board: turns the layout's columns and lanes into pixel boxes and arrow paths.

Every cell of the grid (one lane by one column) holds at most one card, so the server can draw every arrow; the
same numbers serve the page, the pushed fragments and the SVG export.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeys import blueprint
from journeys.selectors import BoardData

CARD_WIDTH = 180
CARD_HEIGHT = 96
COLUMN_WIDTH = 236  # a card and a gap wide enough for a short hand-off label between two cards
LANE_HEIGHT = 136
LANE_HEADER_WIDTH = 150
CARD_TOP_MARGIN = (LANE_HEIGHT - CARD_HEIGHT) // 2
PADDING = 20


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    column: int = 0
    row: int = 0

    @property
    def style(self) -> str:
        return f"left:{self.x}px;top:{self.y}px"


@dataclass(frozen=True)
class Arrow:
    handoff_id: int
    source: int
    target: int
    path: str
    label: str
    label_x: int
    label_y: int
    is_loop: bool
    crosses_lanes: bool
    # A straight arrow between two cards of one lane: its label sits above the line, in the gap, not on it.
    label_above: bool = False

    @classmethod
    def of(
        cls,
        handoff,
        path: str,
        label_x: int,
        label_y: int,
        is_loop: bool,
        crosses_lanes: bool,
        label_above: bool = False,
    ) -> Arrow:
        """The arrow of a hand-off: its id, its two steps and its label, drawn along `path`."""
        return cls(
            handoff.pk,
            handoff.from_step_id,
            handoff.to_step_id,
            path,
            handoff.label,
            label_x,
            label_y,
            is_loop,
            crosses_lanes,
            label_above,
        )


def grid_attributes() -> dict[str, int]:
    """The numbers the browser needs to lay the same grid out again at another size (the projector's fit)."""
    return {
        "card-width": CARD_WIDTH,
        "card-height": CARD_HEIGHT,
        "column-width": COLUMN_WIDTH,
        "lane-height": LANE_HEIGHT,
        "header-width": LANE_HEADER_WIDTH,
        "padding": PADDING,
    }


def lane_index(board: BoardData) -> dict[int | None, int]:
    return {(dept.pk if dept else None): index for index, dept in enumerate(board.lanes)}


def card_boxes(board: BoardData) -> dict[int, Box]:
    lanes = lane_index(board)
    return {
        step.pk: Box(
            x=LANE_HEADER_WIDTH + PADDING + board.layout.columns[step.pk] * COLUMN_WIDTH,
            y=lanes[step.department_id] * LANE_HEIGHT + CARD_TOP_MARGIN,
            column=board.layout.columns[step.pk],
            row=lanes[step.department_id],
        )
        for step in board.steps
    }


def canvas_size(board: BoardData) -> tuple[int, int]:
    width = LANE_HEADER_WIDTH + PADDING * 2 + max(board.layout.column_count, 1) * COLUMN_WIDTH
    return width, max(len(board.lanes), 1) * LANE_HEIGHT


def arrows(board: BoardData, boxes: dict[int, Box]) -> list[Arrow]:
    result = []
    for handoff in board.handoffs:
        start, end = boxes[handoff.from_step_id], boxes[handoff.to_step_id]
        result.append(arrow_between(handoff, start, end, is_loop=handoff.pk in board.layout.back_edges))
    return result


def arrow_between(handoff, start: Box, end: Box, *, is_loop: bool) -> Arrow:
    """One hand-off's arrow between two placed cards: a repeat contact swings back under the lanes."""
    return _loop_arrow(handoff, start, end) if is_loop else _forward_arrow(handoff, start, end)


def _forward_arrow(handoff, start: Box, end: Box) -> Arrow:
    x1, y1 = start.x + CARD_WIDTH, start.y + CARD_HEIGHT // 2
    x2, y2 = end.x - 6, end.y + CARD_HEIGHT // 2
    bend = max((x2 - x1) // 2, 30)
    path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
    crosses_lanes = start.y != end.y
    label_y = (y1 + y2) // 2 if crosses_lanes else y1 - 6
    return Arrow.of(handoff, path, (x1 + x2) // 2, label_y, False, crosses_lanes, label_above=not crosses_lanes)


def _loop_arrow(handoff, start: Box, end: Box) -> Arrow:
    """A repeat contact: leave the bottom of the later card and swing back under the lanes to the earlier one."""
    x1, y1 = start.x + CARD_WIDTH // 2, start.y + CARD_HEIGHT
    x2, y2 = end.x + CARD_WIDTH // 2, end.y + CARD_HEIGHT + 6
    dip = max(y1, y2) + CARD_TOP_MARGIN - 8
    path = f"M{x1},{y1} C{x1},{dip} {x2},{dip} {x2},{y2}"
    under_the_curve = (3 * dip) // 4 + (y1 + y2) // 8 + 10
    return Arrow.of(handoff, path, (x1 + x2) // 2, under_the_curve, True, start.y != end.y)


@dataclass(frozen=True)
class BlueprintBoundary:
    """The lines of the service blueprint that lie on one lane boundary (more than one when a role is missing)."""

    y: int
    boundary: int
    kinds: tuple[str, ...]


def blueprint_boundaries(board: BoardData) -> list[BlueprintBoundary]:
    kinds: dict[int, list[str]] = {}
    for line in board.blueprint_lines:
        kinds.setdefault(line.boundary, []).append(line.kind)
    return [BlueprintBoundary(index * LANE_HEIGHT, index, tuple(names)) for index, names in kinds.items()]


def lines_out_of_order(board: BoardData) -> bool:
    return not blueprint.in_blueprint_order(board.roles)
