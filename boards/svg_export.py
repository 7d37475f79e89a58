"""The board map as one standalone SVG picture for a report or a print: the title and the date, the lanes in their
colours, numbered cards, hand-off arrows with the loops drawn as on the board, a legend, and the pain points listed
with their responsible departments under the map.

A wide board does not shrink to unreadable text: its columns wrap into rows ("parts") so that the whole picture has
the shape of a landscape A4 or A3 sheet (both are 1:√2) and its text comes out as large as that shape allows. Cards
keep the board's positions (boards.geometry, from the computed layout); a hand-off to a card in another part ends in
a short arrow marked with the number of the card it goes to. The template escapes every text and uses presentation
attributes only, so the picture reads the same inline in a page under the Content-Security-Policy as on its own.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from boards import experience, geometry, rendering
from journeys import mirror
from journeys.experience import CurvePoint, has_scores
from journeys.models import Journey, LaneRole, PainPoint, Step

TITLE_BAND = 72
TITLE_CHARS_PER_LINE = 21  # about what fits a card at 15px
TITLE_LINES = 3
CARD_LEFT = geometry.LANE_HEADER_WIDTH + 40  # room for an arrow coming in from an earlier part
RIGHT_PADDING = 24
PART_GAP = 36
LEGEND_BAND = 56
LIST_HEADING = 40
LIST_COLUMN_WIDTH = 600
LIST_ENTRY_HEIGHT = 62
LIST_CHARS_PER_LINE = 76  # 14px text in a 600px column
MIN_WIDTH = 1000  # the legend's width
SHEET_RATIO = math.sqrt(2)  # A4 and A3 landscape: width / height
CURVE_HEIGHT = 200  # the experience curve under the map, when the mirror survey is revealed
CURVE_LEFT = 150  # room for its heading and legend


@dataclass(frozen=True)
class SvgCard:
    step: Step
    number: int
    x: int
    y: int
    lines: list[str]


@dataclass(frozen=True)
class Stub:
    """A hand-off to or from a card in another part: a short arrow and the number of the card at its other end."""

    path: str
    label: str
    label_x: int
    label_y: int
    is_loop: bool
    anchor: str = "middle"


@dataclass(frozen=True)
class ListedPainPoint:
    key: str
    pain_point: PainPoint
    lines: list[str]
    x: int
    y: int

    @property
    def meta_y(self) -> int:
        return 16 + 17 * len(self.lines)


@dataclass
class Picture:
    columns_per_part: int
    width: int
    part_lanes: list[list[int]]  # per part, the lanes (by index) it shows
    list_columns: int
    list_rows: int
    curve_band: int = 0  # the experience curve's height under the map, if it shows

    @property
    def curve_top(self) -> int:
        return TITLE_BAND + self.map_height + 12

    @property
    def parts(self) -> int:
        return len(self.part_lanes)

    @property
    def part_tops(self) -> list[int]:
        tops, top = [], 0
        for lanes in self.part_lanes:
            tops.append(top)
            top += len(lanes) * geometry.LANE_HEIGHT + PART_GAP
        return tops

    @property
    def map_height(self) -> int:
        return sum(len(lanes) for lanes in self.part_lanes) * geometry.LANE_HEIGHT + (self.parts - 1) * PART_GAP

    @property
    def list_top(self) -> int:
        return TITLE_BAND + self.map_height + self.curve_band + LEGEND_BAND

    @property
    def height(self) -> int:
        return self.list_top + (LIST_HEADING + self.list_rows * LIST_ENTRY_HEIGHT if self.list_rows else 0) + 16

    @property
    def scale_on_a_sheet(self) -> float:
        """How large the picture comes out on a landscape sheet of width √2 and height 1 (relative)."""
        return min(SHEET_RATIO / self.width, 1 / self.height)


def wrap_title(title: str, *, width: int = TITLE_CHARS_PER_LINE, lines: int = TITLE_LINES) -> list[str]:
    wrapped = textwrap.wrap(title, width=width, break_long_words=True, break_on_hyphens=True) or [""]
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(rest, width=width, placeholder="…")]
    return wrapped


def picture_for(cells: list[tuple[int, int]], lanes: int, pain_points: int, columns_per_part: int) -> Picture:
    """`cells`: (column, lane) of every card. On its own the map shows every lane, as the board does; wrapped into
    parts, each part shows the lanes that have a card in it."""
    columns = max((column for column, _lane in cells), default=0) + 1
    parts = math.ceil(columns / columns_per_part)
    if parts == 1:
        part_lanes = [list(range(lanes))]
    else:
        used = [sorted({lane for column, lane in cells if column // columns_per_part == part}) for part in range(parts)]
        part_lanes = [lanes_used or [0] for lanes_used in used]
    width = max(CARD_LEFT + min(columns_per_part, columns) * geometry.COLUMN_WIDTH + RIGHT_PADDING, MIN_WIDTH)
    list_columns = max(1, width // LIST_COLUMN_WIDTH)
    return Picture(columns_per_part, width, part_lanes, list_columns, math.ceil(pain_points / list_columns))


def best_picture(cells: list[tuple[int, int]], lanes: int, pain_points: int) -> Picture:
    """The wrapping that makes the text largest on a landscape sheet; of equals, the one with fewer parts."""
    columns = max((column for column, _lane in cells), default=0) + 1
    candidates = [picture_for(cells, lanes, pain_points, n) for n in range(columns, 0, -1)]
    return max(candidates, key=lambda picture: (round(picture.scale_on_a_sheet, 9), -picture.parts))


def svg_context(journey: Journey) -> dict[str, Any]:
    context = rendering.map_geometry(journey)
    board = context["board"]
    pain_points = list(
        PainPoint.objects.filter(journey=journey).prefetch_related("responsible_departments").order_by("created_at")
    )
    lane_of = geometry.lane_index(board)
    cells = [(board.layout.columns[step.pk], lane_of[step.department_id]) for step in board.steps]
    picture = best_picture(cells, len(board.lanes), len(pain_points))
    boxes = _boxes(board, picture)
    numbers = {pk: index for index, pk in enumerate(sorted(boxes, key=lambda pk: _reading_place(boxes[pk])), 1)}
    cards = [
        SvgCard(step, numbers[step.pk], boxes[step.pk].x, boxes[step.pk].y, wrap_title(step.title))
        for step in board.steps
    ]
    arrows, stubs = _arrows(board, boxes, numbers)
    curve = _curve(board, numbers, picture.width)
    picture.curve_band = curve.height + 24 if curve else 0
    role_names = dict(LaneRole.choices)
    return {
        **context,
        "picture": picture,
        "parts": [
            {
                "top": top,
                "number": index + 1,
                "lanes": [
                    (
                        top + shown * geometry.LANE_HEIGHT,
                        board.lanes[lane],
                        _lane_name(board.lanes[lane]),
                        role_names.get(board.roles[lane], ""),
                    )
                    for shown, lane in enumerate(lanes)
                ],
                "lines": _part_lines(board, top, lanes),
            }
            for index, (top, lanes) in enumerate(zip(picture.part_tops, picture.part_lanes, strict=True))
        ],
        "curve": curve,
        "curve_left": CURVE_LEFT,
        "cards": sorted(cards, key=lambda card: card.number),
        "arrows": arrows,
        "stubs": stubs,
        "pain_points": _listed(pain_points, numbers, picture),
        "title_band": TITLE_BAND,
        "card_left": CARD_LEFT,
        "card_width": geometry.CARD_WIDTH,
        "card_height": geometry.CARD_HEIGHT,
        "legend_top": TITLE_BAND + picture.map_height + picture.curve_band + 12,
        "list_heading_top": picture.list_top + 26,
        "exported_on": timezone.localdate(),
        "unsolved_count": sum(1 for p in pain_points if p.status in UNSOLVED),
    }


def _part_lines(board: Any, top: int, lanes: list[int]) -> list[geometry.BlueprintBoundary]:
    """The service blueprint's lines of a part (which shows some of the lanes): each line between the part's lanes
    above and below it, and at the part's top and bottom edge the nearest line beyond it, so that a wrapped picture
    still says on which side of the line every lane lies."""
    found = []
    boundaries = geometry.blueprint_boundaries(board)
    at_top = [line for line in boundaries if 0 < line.boundary <= lanes[0]]
    at_bottom = [line for line in boundaries if line.boundary > lanes[-1]]
    for line in boundaries:
        above = sum(1 for lane in lanes if lane < line.boundary)
        inside = 0 < above < len(lanes)
        if inside or (at_top and line is at_top[-1]) or (at_bottom and line is at_bottom[0]):
            found.append(geometry.BlueprintBoundary(top + above * geometry.LANE_HEIGHT, line.boundary, line.kinds))
    return found


def _curve(board: Any, numbers: dict[int, int], width: int) -> experience.CurveDrawing | None:
    """The experience curve along the cards' numbers (the picture wraps the board's columns into parts)."""
    scores = mirror.revealed_step_scores(board.journey)
    if not scores:
        return None
    steps = sorted(board.steps, key=lambda step: numbers[step.pk])
    points = [CurvePoint(index, *scores.get(step.pk, (None, None))) for index, step in enumerate(steps)]
    if not has_scores(points):
        return None
    spacing = (width - CURVE_LEFT - RIGHT_PADDING - 40) / max(len(steps) - 1, 1)

    def x_of(index: float) -> float:
        return 20 + index * spacing

    drawing = experience.draw(points, width=width - CURVE_LEFT, height=CURVE_HEIGHT, x_of=x_of, top=16, bottom=30)
    drawing.labels = [(round(x_of(index), 1), str(numbers[step.pk])) for index, step in enumerate(steps)]
    return drawing


def _lane_name(department: Any) -> list[str]:
    return wrap_title(department.name, width=15, lines=2) if department else []


UNSOLVED = (PainPoint.Status.OPEN, PainPoint.Status.IN_PROGRESS)


def _reading_place(box: geometry.Box) -> tuple[int, int]:
    """Cards are numbered as one reads the picture: part by part, column by column, lane by lane."""
    return (box.column, box.y)


def _boxes(board: Any, picture: Picture) -> dict[int, geometry.Box]:
    lanes = geometry.lane_index(board)
    tops = picture.part_tops
    boxes = {}
    for step in board.steps:
        column = board.layout.columns[step.pk]
        part, local = divmod(column, picture.columns_per_part)
        shown = picture.part_lanes[part].index(lanes[step.department_id])
        boxes[step.pk] = geometry.Box(
            x=CARD_LEFT + local * geometry.COLUMN_WIDTH,
            y=tops[part] + shown * geometry.LANE_HEIGHT + geometry.CARD_TOP_MARGIN,
            column=column,
            row=part,  # the part the card is in
        )
    return boxes


def _arrows(board: Any, boxes: dict[int, geometry.Box], numbers: dict[int, int]) -> tuple[list, list[Stub]]:
    arrows, stubs = [], []
    for handoff in board.handoffs:
        start, end = boxes[handoff.from_step_id], boxes[handoff.to_step_id]
        is_loop = handoff.pk in board.layout.back_edges
        if start.row == end.row:
            arrows.append(geometry.arrow_between(handoff, start, end, is_loop=is_loop))
        else:
            stubs += _stubs(start, end, numbers[handoff.from_step_id], numbers[handoff.to_step_id], is_loop)
    return arrows, stubs


def _stubs(start: geometry.Box, end: geometry.Box, source: int, target: int, is_loop: bool) -> list[Stub]:
    """Out of the source card towards the card numbered `target`; into the target card from the one numbered
    `source`. A loop leaves and enters under the cards, as on the board."""
    if is_loop:
        x1, y1 = start.x + geometry.CARD_WIDTH // 2, start.y + geometry.CARD_HEIGHT
        x2, y2 = end.x + geometry.CARD_WIDTH // 2, end.y + geometry.CARD_HEIGHT
        return [
            Stub(f"M{x1},{y1} L{x1},{y1 + 16}", f"↩ {target}", x1 + 6, y1 + 16, True, "start"),
            Stub(
                f"M{x2 + 40},{y2 + 16} L{x2 + 4},{y2 + 16} L{x2 + 4},{y2 + 6}",
                f"↩ {source}",
                x2 + 44,
                y2 + 20,
                True,
                "start",
            ),
        ]
    x1, y1 = start.x + geometry.CARD_WIDTH, start.y + geometry.CARD_HEIGHT // 2
    x2, y2 = end.x - 6, end.y + geometry.CARD_HEIGHT // 2
    return [
        Stub(f"M{x1},{y1} L{x1 + 34},{y1}", f"→ {target}", x1 + 20, y1 - 6, False),
        Stub(f"M{x2 - 30},{y2} L{x2},{y2}", f"{source} →", x2 - 16, y2 - 6, False),
    ]


def _listed(pain_points: list[PainPoint], numbers: dict[int, int], picture: Picture) -> list[ListedPainPoint]:
    """Each pain point keyed by its card's number and a letter (7a, 7b), in card order, flowing down the columns."""
    keyed, letters = [], {}
    for pain_point in sorted(pain_points, key=lambda p: numbers.get(p.step_id, 0)):
        letter = letters.get(pain_point.step_id, 0)
        letters[pain_point.step_id] = letter + 1
        keyed.append((f"{numbers.get(pain_point.step_id, 0)}{_letter(letter)}", pain_point))
    rows = max(picture.list_rows, 1)
    column_width = (picture.width - 32) // picture.list_columns
    top = picture.list_top + LIST_HEADING
    return [
        ListedPainPoint(
            key,
            pain_point,
            wrap_title(pain_point.text, width=LIST_CHARS_PER_LINE, lines=2),
            16 + (index // rows) * column_width,
            top + (index % rows) * LIST_ENTRY_HEIGHT,
        )
        for index, (key, pain_point) in enumerate(keyed)
    ]


def _letter(index: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[index] if index < len(letters) else letters[index // 26 - 1] + letters[index % 26]


def journey_svg(journey: Journey) -> str:
    return render_to_string("boards/map.svg", {**svg_context(journey), "standalone": True})


def journey_svg_inline(journey: Journey) -> str:
    """The same picture for a page (the print page): without the XML declaration."""
    return render_to_string("boards/map.svg", {**svg_context(journey), "standalone": False})
