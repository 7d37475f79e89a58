"""Failure demand and flow on small journeys computed by hand: no database."""

from __future__ import annotations

import pytest

from journeys.flow import flow, route_probabilities, solve_visits
from journeys.graph import HandoffEdge, StepNode, journey_graph

CUSTOMER, CONTACT, POLICY, FINANCE = 1, 2, 3, 4


def board(steps, handoffs):
    """steps: (id, lane, minutes); handoffs: (source, target, wait, share, %C&A), ids numbered from 1."""
    return journey_graph(
        [StepNode(step_id, lane, index, minutes) for index, (step_id, lane, minutes) in enumerate(steps)],
        [HandoffEdge(i, *handoff) for i, handoff in enumerate(handoffs, 1)],
    )


def test_a_straight_line_has_one_contact_and_its_lead_time_is_work_plus_waiting():
    journey = board(
        [(1, CUSTOMER, 10), (2, CONTACT, 20), (3, POLICY, 30)],
        [(1, 2, 60, None, 90), (2, 3, 30, None, 80)],
    )

    result = flow(journey, customer_lane=CUSTOMER)

    route = result.main_route
    assert route.steps == (1, 2, 3) and route.handoffs == (1, 2)
    assert (route.process_minutes, route.wait_minutes, route.lead_minutes) == (60, 90, 150)
    assert route.flow_efficiency == pytest.approx(0.4)
    assert route.rolled_ca == pytest.approx(0.72)
    assert route.probability == 1
    assert result.contacts == 1 and result.failure_demand == 0
    assert result.rework_minutes == 0
    assert result.trapped == () and result.share_problems == () and result.assumed_shares == ()


def test_a_70_30_branch_puts_the_70_percent_route_on_the_main_route():
    journey = board(
        [(1, CUSTOMER, 10), (2, CONTACT, 20), (3, POLICY, 100), (4, CUSTOMER, 5)],
        [(1, 2, 0, 70, None), (1, 3, 60, 30, None), (2, 4, 0, None, None), (3, 4, 0, None, None)],
    )

    result = flow(journey, customer_lane=CUSTOMER)

    assert result.main_route.steps == (1, 2, 4)
    assert result.main_route.probability == pytest.approx(0.7)
    assert result.main_route.lead_minutes == 35
    assert result.contacts == 1 and result.rework_minutes == 0
    waits = {row.department: row.wait_minutes for row in result.departments}
    assert waits[CUSTOMER] == pytest.approx(0.3 * 60)  # 30 % of cases wait an hour for Policy administration


def test_one_loop_with_share_one_quarter_gives_four_thirds_contacts_and_a_quarter_failure_demand():
    # Customer asks -> contact centre -> policy; a quarter come back to the start (a day later), the rest are done.
    journey = board(
        [(1, CUSTOMER, 10), (2, CONTACT, 20), (3, POLICY, 30), (4, CUSTOMER, 5)],
        [(1, 2, None, None, None), (2, 3, None, None, None), (3, 1, 1440, 25, None), (3, 4, None, 75, None)],
    )

    result = flow(journey, customer_lane=CUSTOMER)

    assert result.contacts == pytest.approx(4 / 3)
    assert result.failure_demand == pytest.approx(0.25)
    # Steps 1-3 (60 min) are passed 4/3 times, the loop's day is waited 1/3 times: 60/3 + 1440/3 more than without.
    assert result.rework_minutes == pytest.approx(500)
    assert result.main_route.steps == (1, 2, 3, 4)
    assert result.main_route.unknown_waits == 3
    assert result.repeats_per_handoff == {3: pytest.approx(1 / 3)}
    repeats = {row.department: row.repeat_contacts for row in result.departments}
    assert repeats[POLICY] == pytest.approx(1 / 3)


def test_two_nested_loops():
    # 1 -> 2 -> 3 -> 4 -> 5; half of the cases at 3 go back to 2; a fifth of those at 4 start again at 1.
    # Visits: x1 = 1 + 0.2 x4, x2 = x1 + 0.5 x3, x3 = x2, x4 = 0.5 x3  =>  x1 = 1.25, x2 = x3 = 2.5, x4 = 1.25.
    # Repeats: 0.5 * 2.5 + 0.2 * 1.25 = 1.5, so 2.5 contacts of which 60 % repeats.
    journey = board(
        [(1, CUSTOMER, 1), (2, CONTACT, 1), (3, POLICY, 1), (4, FINANCE, 1), (5, CUSTOMER, 1)],
        [
            (1, 2, None, None, None),
            (2, 3, None, None, None),
            (3, 2, None, 50, None),
            (3, 4, None, 50, None),
            (4, 1, None, 20, None),
            (4, 5, None, 80, None),
        ],
    )

    result = flow(journey, customer_lane=CUSTOMER)

    assert result.contacts == pytest.approx(2.5)
    assert result.failure_demand == pytest.approx(0.6)
    assert result.repeats_per_handoff == {3: pytest.approx(1.25), 5: pytest.approx(0.25)}
    # Work passed: 1.25 + 2.5 + 2.5 + 1.25 + 1 = 8.5 minutes against 5 without the loops.
    assert result.rework_minutes == pytest.approx(3.5)


def test_a_loop_that_can_never_be_left_is_reported_not_counted_for_ever():
    journey = board(
        [(1, CUSTOMER, 10), (2, CONTACT, 20), (3, POLICY, 30), (4, CUSTOMER, 5)],
        [(1, 2, None, None, None), (2, 3, None, None, None), (3, 2, None, 100, None), (3, 4, None, 0, None)],
    )

    result = flow(journey, customer_lane=CUSTOMER)

    assert result.trapped == (2, 3)
    assert result.contacts is None and result.failure_demand is None and result.rework_minutes is None
    assert result.main_route is None  # the way out is taken by no case


def test_a_loop_without_any_way_out_is_reported_too():
    journey = board([(1, CUSTOMER, 10), (2, CONTACT, 20)], [(1, 2, None, None, None), (2, 1, None, None, None)])

    result = flow(journey, customer_lane=CUSTOMER)

    assert result.trapped == (1, 2) and result.contacts is None


def test_missing_shares_split_what_the_others_leave_and_missing_waits_count_as_nothing():
    journey = board(
        [(1, CUSTOMER, 10), (2, CONTACT, 20), (3, POLICY, 30), (4, FINANCE, 40)],
        [(1, 2, None, 50, None), (1, 3, 120, None, None), (1, 4, None, None, None)],
    )

    probabilities, problems, assumed = route_probabilities(journey)

    assert probabilities == {(1, 2): 0.5, (1, 3): 0.25, (1, 4): 0.25}
    assert problems == () and assumed == (1,)
    result = flow(journey, customer_lane=CUSTOMER)
    assert result.main_route.steps == (1, 2)
    assert result.main_route.unknown_waits == 1 and result.main_route.lead_minutes == 30
    assert result.main_route.rolled_ca is None and result.main_route.unknown_ca == 1


def test_no_shares_at_all_split_equally_and_with_no_durations_the_flow_efficiency_is_unknown():
    journey = board(
        [(1, CUSTOMER, None), (2, CONTACT, None), (3, POLICY, None)],
        [(1, 2, None, None, None), (1, 3, None, None, None)],
    )

    result = flow(journey, customer_lane=CUSTOMER)

    assert route_probabilities(journey)[0] == {(1, 2): 0.5, (1, 3): 0.5}
    assert result.main_route.flow_efficiency is None and result.main_route.unestimated_steps == 2


def test_shares_that_do_not_add_up_are_scaled_and_the_step_reported():
    journey = board(
        [(1, CUSTOMER, 10), (2, CONTACT, 20), (3, POLICY, 30)], [(1, 2, None, 70, None), (1, 3, None, 70, None)]
    )

    probabilities, problems, _assumed = route_probabilities(journey)

    assert probabilities == {(1, 2): 0.5, (1, 3): 0.5}
    assert [(p.step, p.total, p.missing) for p in problems] == [(1, 140, 0)]


def test_shares_that_leave_nothing_give_the_routes_without_one_nothing_and_report_the_step():
    journey = board(
        [(1, CUSTOMER, 10), (2, CONTACT, 20), (3, POLICY, 30)], [(1, 2, None, 100, None), (1, 3, None, None, None)]
    )

    probabilities, problems, _assumed = route_probabilities(journey)

    assert probabilities == {(1, 2): 1.0, (1, 3): 0.0}
    assert [(p.step, p.total, p.missing) for p in problems] == [(1, 100, 1)]


def test_a_repeat_contact_from_a_customer_step_counts_for_the_department_that_handed_the_case_to_the_customer():
    # Policy administration posts the letter (2 days), the customer gets it at the old address and calls: a quarter
    # of the calls go back to the contact centre. The call follows Policy administration's hand-off, not the
    # customer's own.
    journey = board(
        [(1, CUSTOMER, 10), (2, CONTACT, 15), (3, POLICY, 30), (4, CUSTOMER, 0), (5, CUSTOMER, 10), (6, CUSTOMER, 0)],
        [
            (1, 2, None, None, None),
            (2, 3, None, None, None),
            (3, 4, 2880, None, None),
            (4, 5, None, None, None),
            (5, 2, None, 25, None),
            (5, 6, None, 75, None),
        ],
    )

    result = flow(journey, customer_lane=CUSTOMER)

    rows = {row.department: row for row in result.departments}
    assert rows[POLICY].repeat_contacts == pytest.approx(1 / 3)
    assert rows[CUSTOMER].repeat_contacts == 0
    assert rows[POLICY].wait_minutes == pytest.approx(4 / 3 * 2880)


def test_an_empty_board_and_a_single_step_have_figures_that_make_sense():
    assert flow(board([], []), customer_lane=None).contacts is None
    single = flow(board([(1, CUSTOMER, 12)], []), customer_lane=CUSTOMER)
    assert single.contacts == 1 and single.main_route.lead_minutes == 12 and single.main_route.flow_efficiency == 1


def test_the_solver_handles_several_right_hand_sides_at_once():
    # x1 = a + 0.5 x2 ; x2 = b + x1 * 0.5  =>  x1 = (a + 0.5 b) / 0.75
    solved = solve_visits([1, 2], {1: [(2, 0.5)], 2: [(1, 0.5)]}, {1: {"a": 1.0}, 2: {"b": 1.0}})

    assert solved[1] == {"a": pytest.approx(4 / 3), "b": pytest.approx(2 / 3)}
    assert solved[2] == {"a": pytest.approx(2 / 3), "b": pytest.approx(4 / 3)}
