"""Graph insights on hand-made journeys with known answers. No database: graph.py is pure."""

from __future__ import annotations

from journeys.graph import (
    HandoffEdge,
    PainItem,
    StepNode,
    analyse,
    bottlenecks,
    dead_ends,
    journey_graph,
    lane_crossings,
    longest_route,
    pain_heat,
    repeat_contact_loops,
    unreachable_steps,
)

CUSTOMER, CONTACT, POLICY = 1, 2, 3


def graph_of(steps, edges):
    """steps: (id, lane, minutes) in process order; edges: (source, target), numbered from 1."""
    nodes = [StepNode(step_id, lane, index * 10, minutes) for index, (step_id, lane, minutes) in enumerate(steps)]
    return journey_graph(nodes, [HandoffEdge(i, a, b) for i, (a, b) in enumerate(edges, 1)])


# The demo's shape: customer -> contact centre -> policy -> customer, who calls back into the contact centre.
MOVING = graph_of(
    [(1, CUSTOMER, 10), (2, CONTACT, 1440), (3, POLICY, 30), (4, CUSTOMER, None), (5, CONTACT, 12)],
    [(1, 2), (2, 3), (3, 4), (4, 5), (5, 2)],
)


def test_empty_board_has_no_insights_and_no_errors():
    result = analyse(journey_graph([], []), customer_lane=CUSTOMER)
    assert result.start is None
    assert result.handoff_count == 0
    assert result.loops == ()
    assert result.longest_by_steps is None and result.longest_by_minutes is None
    assert result.bottlenecks == result.dead_ends == result.unreachable == result.resolutions == ()
    assert result.heat == {}


def test_single_step_is_its_own_start_and_resolution():
    result = analyse(graph_of([(7, CUSTOMER, 5)], []), customer_lane=CUSTOMER)
    assert result.start == 7
    assert result.resolutions == (7,)
    assert result.longest_by_steps.steps == (7,)
    assert result.longest_by_minutes.minutes == 5
    assert result.dead_ends == result.unreachable == result.bottlenecks == ()


def test_lane_crossings_are_the_hand_offs_between_two_named_departments():
    g = graph_of([(1, CUSTOMER, 1), (2, CUSTOMER, 1), (3, CONTACT, 1), (4, None, 1)], [(1, 2), (2, 3), (3, 4)])
    crossings = lane_crossings(g)
    assert [(c.handoff, c.source, c.target) for c in crossings] == [(2, 2, 3)]


def test_repeat_contact_loop_is_listed_from_its_earliest_step():
    loops, truncated = repeat_contact_loops(MOVING)
    assert loops == ((2, 3, 4, 5),)
    assert not truncated


def test_loops_in_separate_components_are_all_found():
    g = graph_of(
        [(1, CUSTOMER, 1), (2, CONTACT, 1), (3, CUSTOMER, 1), (4, CONTACT, 1), (5, POLICY, 1)],
        [(1, 2), (2, 1), (3, 4), (4, 5), (5, 3)],
    )
    loops, _ = repeat_contact_loops(g)
    assert loops == ((1, 2), (3, 4, 5))


def test_loops_are_capped_and_the_cap_is_reported():
    # A complete graph on 5 steps has 84 simple cycles.
    ids = range(1, 6)
    g = graph_of([(i, CUSTOMER, 1) for i in ids], [(a, b) for a in ids for b in ids if a != b])
    loops, truncated = repeat_contact_loops(g, limit=10)
    assert len(loops) == 10 and truncated
    assert repeat_contact_loops(g, limit=100)[0].__len__() == 84


def test_longest_route_by_steps_and_by_minutes_can_differ():
    # 1 -> 2 -> 3 -> 5 (three hops, 3 minutes) versus 1 -> 4 -> 5 (two hops, a day in step 4).
    g = graph_of(
        [(1, CUSTOMER, 1), (2, CONTACT, 1), (3, CONTACT, 1), (4, POLICY, 1440), (5, CUSTOMER, 1)],
        [(1, 2), (2, 3), (3, 5), (1, 4), (4, 5)],
    )
    by_steps = longest_route(g, 1, by_minutes=False)
    by_minutes = longest_route(g, 1, by_minutes=True)
    assert by_steps.steps == (1, 2, 3, 5) and by_steps.handoffs == (1, 2, 3) and by_steps.minutes == 4
    assert by_minutes.steps == (1, 4, 5) and by_minutes.minutes == 1442


def test_longest_route_skips_the_loop_back_and_counts_steps_without_estimate():
    assert longest_route(MOVING, 1, by_minutes=False) is None  # every step hands on: nothing resolves
    g = graph_of([(1, CUSTOMER, 10), (2, CONTACT, None), (3, CUSTOMER, 5)], [(1, 2), (2, 3), (3, 1)])
    assert longest_route(g, 1, by_minutes=False) is None  # a closed circle never resolves
    g = graph_of([(1, CUSTOMER, 10), (2, CONTACT, None), (3, CUSTOMER, 5)], [(1, 2), (2, 3), (2, 1)])
    route = longest_route(g, 1, by_minutes=True)
    assert route.steps == (1, 2, 3) and route.minutes == 15 and route.unestimated == 1


def test_moving_journey_without_an_end_is_all_dead_ends():
    result = analyse(MOVING, customer_lane=CUSTOMER)
    assert result.resolutions == ()
    assert result.dead_ends == (1, 2, 3, 4, 5)


def test_dead_ends_are_the_steps_that_can_only_reach_a_closed_loop():
    # 1 -> 2 -> 3 (resolved); 2 -> 4 <-> 5 never comes out.
    g = graph_of(
        [(1, CUSTOMER, 1), (2, CONTACT, 1), (3, CUSTOMER, 1), (4, POLICY, 1), (5, POLICY, 1)],
        [(1, 2), (2, 3), (2, 4), (4, 5), (5, 4)],
    )
    assert dead_ends(g) == (4, 5)


def test_unreachable_steps_are_those_the_first_customer_step_never_leads_to():
    g = graph_of(
        [(1, CONTACT, 1), (2, CUSTOMER, 1), (3, CONTACT, 1), (4, POLICY, 1), (5, None, 1)],
        [(2, 3), (4, 3)],
    )
    result = analyse(g, customer_lane=CUSTOMER)
    assert result.start == 2  # the first step in the customer lane, not the first step overall
    assert unreachable_steps(g, 2) == (1, 4, 5)
    assert result.without_department == (5,)


def test_without_a_customer_lane_the_first_step_in_process_order_starts():
    g = graph_of([(9, CONTACT, 1), (8, POLICY, 1)], [(9, 8)])
    assert analyse(g, customer_lane=None).start == 9
    assert analyse(g, customer_lane=CUSTOMER).start == 9


DIAMOND = graph_of(
    # 1 branches to 2 and 3, both merge into 4, which leads to the two ends 5 and 6.
    [(1, CUSTOMER, 1), (2, CONTACT, 1), (3, POLICY, 1), (4, CONTACT, 1), (5, CUSTOMER, 1), (6, CUSTOMER, 1)],
    [(1, 2), (1, 3), (2, 4), (3, 4), (4, 5), (4, 6)],
)


def test_bottleneck_is_the_step_where_the_routes_merge():
    # 4 is on the shortest route of (1|2|3) x (5|6): 6 pairs. 2 and 3 share half of 1's routes to 4, 5 and 6.
    assert bottlenecks(DIAMOND, 1) == ((4, 6.0), (2, 1.5), (3, 1.5))


def test_large_boards_count_only_routes_from_the_first_customer_step_to_a_resolution():
    # Forced to the linear variant: 4 is on both routes (to 5 and to 6), 2 and 3 on half of them each.
    assert bottlenecks(DIAMOND, 1, exact_up_to=0) == ((4, 2.0), (2, 1.0), (3, 1.0))


def test_bottlenecks_need_a_route_to_exist():
    g = graph_of([(1, CUSTOMER, 1), (2, CONTACT, 1)], [])
    assert bottlenecks(g, 1) == ()
    assert bottlenecks(g, 1, exact_up_to=0) == ()


def test_pain_heat_weighs_severity_and_counts_each_department_once():
    per_step, per_department, heat = pain_heat(
        [
            PainItem(1, (CONTACT, POLICY), "high"),
            PainItem(1, (CONTACT, CONTACT), "high"),
            PainItem(2, (POLICY,), "low"),
            PainItem(3, (CONTACT,), "medium"),
        ]
    )
    assert per_step == {1: 2, 2: 1, 3: 1}
    assert per_department == {CONTACT: 3, POLICY: 2}
    assert heat == {1: 3, 2: 1, 3: 1}


def test_pain_points_on_steps_not_on_the_board_are_ignored():
    result = analyse(graph_of([(1, CUSTOMER, 1)], []), customer_lane=CUSTOMER, pain_points=[PainItem(99, (CONTACT,))])
    assert result.pain_per_step == {} and result.heat == {}
