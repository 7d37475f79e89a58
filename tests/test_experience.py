"""The experience curve: customers' score and the staff's estimate per step, the gap shaded; steps without a score are
gaps in the curve, never zeros; on the mirror page, under the board (and so on the projector) and in the export."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from boards.experience import board_curve, draw
from boards.svg_export import journey_svg
from journeys import mirror
from journeys.experience import CurvePoint, gap_bands, has_scores, merged, runs
from journeys.selectors import board_data
from live.fragments import render_changes
from tests.factories import give_estimates, link, make_department, make_journey, make_step, make_user

SVG = "{http://www.w3.org/2000/svg}"

# Pure: the pieces of the curve ------------------------------------------------------------------------------------


def test_a_step_without_a_score_breaks_the_curve_instead_of_dropping_it_to_zero():
    points = [CurvePoint(0, 8, 6), CurvePoint(1, None, 5), CurvePoint(2, 7, None), CurvePoint(3, 9, 4)]
    assert runs(points, "staff") == [[(0, 8)], [(2, 7), (3, 9)]]
    assert runs(points, "customer") == [[(0, 6), (1, 5)], [(3, 4)]]
    assert all(value > 0 for run in runs(points, "staff") for _x, value in run)


def test_the_gap_is_shaded_only_where_both_curves_run_side_by_side():
    points = [CurvePoint(0, 8, 6), CurvePoint(1, 9, 5), CurvePoint(2, None, 5), CurvePoint(3, 7, 7)]
    assert gap_bands(points) == [[CurvePoint(0, 8, 6), CurvePoint(1, 9, 5)]]
    assert gap_bands([CurvePoint(0, 8, 6)]) == []  # one point has no area


def test_steps_side_by_side_count_as_one_point_their_mean_and_unscored_ones_stay_gaps():
    points = merged([CurvePoint(1, 8, None), CurvePoint(0, None, None), CurvePoint(1, 6, 3)])
    assert points == [CurvePoint(0, None, None), CurvePoint(1, 7, 3)]
    assert has_scores(points) and not has_scores([CurvePoint(0, None, None)])


def test_the_drawing_puts_ten_at_the_top_one_at_the_bottom_and_draws_a_lone_score_as_a_dot():
    points = [CurvePoint(0, 10, 1), CurvePoint(1, None, 1), CurvePoint(2, 5.5, None)]
    drawing = draw(points, width=300, height=100, x_of=lambda x: x * 100, top=10, bottom=10)
    assert drawing.customer_paths == ["M0,90.0 L100,90.0"]
    assert drawing.staff_paths == []  # two staff scores with a gap between: two dots, no line
    assert drawing.staff_dots == [(0, 10.0), (200, 50.0)]
    assert drawing.bands == []


# On the pages -----------------------------------------------------------------------------------------------------


@pytest.fixture
def workshop(db):
    ann, bob = make_user("ann"), make_user("bob")
    journey = make_journey(members=[ann, bob])
    customer, contact = make_department("Customer"), make_department("Contact centre")
    steps = [
        make_step(journey, "Web form", customer),
        make_step(journey, "Shared mailbox", contact),
        make_step(journey, "Callback", contact),
    ]
    link(journey, steps[0], steps[1])
    link(journey, steps[1], steps[2])
    give_estimates(journey, ann, {steps[0].pk: 8, steps[2].pk: 9})
    give_estimates(journey, bob, {steps[0].pk: 6})
    for step, score in ((steps[0], "5.5"), (steps[1], "4")):
        mirror.customer_score_set(
            journey=journey, step=step, score=Decimal(score), responses=40, actor=journey.created_by
        )
    return journey, steps


def reveal(journey) -> None:
    mirror.mirror_reveal(journey=journey, actor=journey.created_by)


def test_the_curve_stays_hidden_with_the_estimates_until_the_reveal(workshop):
    journey, _steps = workshop
    assert board_curve(board_data(journey), column_width=236, card_width=180) is None
    reveal(journey)
    drawing = board_curve(board_data(journey), column_width=236, card_width=180)
    # Staff: 7 (mean of 8 and 6) on the web form, nobody on the mailbox, 9 on the callback: a gap in the middle.
    assert [(p.staff, p.customer) for p in drawing.points] == [(7, 5.5), (None, 4), (9, None)]
    assert len(drawing.staff_dots) == 2 and drawing.staff_paths == []
    assert len(drawing.customer_paths) == 1 and drawing.bands == []


def test_the_board_lane_the_projector_and_the_mirror_page_show_the_curve(workshop):
    journey, _steps = workshop
    client = Client()
    client.force_login(journey.created_by)
    board = client.get(reverse("board", args=[journey.pk])).content.decode()
    assert 'id="experience-lane"' not in board
    reveal(journey)
    board = client.get(reverse("board", args=[journey.pk])).content.decode()
    assert 'id="experience-lane"' in board and "Hide the curve" in board
    assert board.count('class="curve-dot curve-staff"') == 2 and board.count('class="curve-dot curve-customer"') == 2
    projector = client.get(reverse("workshop_projector", args=[journey.pk])).content.decode()
    assert 'id="experience-lane"' in projector
    page = client.get(reverse("mirror_survey", args=[journey.pk])).content.decode()
    assert 'class="experience-curve page-curve"' in page and ">Shared mailbox</text>" in page


def test_a_new_customer_score_is_pushed_with_the_curve_to_board_and_projector(workshop):
    journey, steps = workshop
    reveal(journey)
    mirror.customer_score_set(journey=journey, step=steps[2], score=Decimal("3"), responses=9, actor=journey.created_by)
    for page in ("board", "projector"):
        pushed = render_changes(journey, {"mirror": True}, page=page)
        assert 'id="experience-lane"' in pushed and pushed.count('class="curve-dot curve-customer"') == 3


def test_coordinates_stay_numbers_in_dutch_and_the_export_holds_the_curve(workshop):
    journey, _steps = workshop
    reveal(journey)
    with translation.override("nl"):
        svg = journey_svg(journey)
    root = ET.fromstring(svg.encode())
    group = root.find(f".//{SVG}g[@class='experience']")
    paths = [p.get("d") for p in group.iter(f"{SVG}path")]
    assert len(paths) == 5  # two staff dots; the customers' line and its two dots
    for d in paths:  # every coordinate parses as a number: no decimal commas
        for pair in d.replace("M", " ").replace("L", " ").replace("h0", "").replace("Z", "").split():
            x, y = pair.split(",")
            float(x), float(y)
