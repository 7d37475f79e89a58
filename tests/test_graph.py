from __future__ import annotations

from journeys.graph import HandoffEdge, StepNode, journey_graph, layout

CUSTOMER, CONTACT, FINANCE = 1, 2, 3


def graph_of(steps, edges):
    return journey_graph([StepNode(*s) for s in steps], [HandoffEdge(i, a, b) for i, (a, b) in enumerate(edges, 1)])


def test_empty_board_has_no_columns():
    assert layout(graph_of([], [])).column_count == 0


def test_chain_across_lanes_reads_left_to_right():
    g = graph_of([(10, CUSTOMER, 1), (11, CONTACT, 2), (12, CUSTOMER, 3)], [(10, 11), (11, 12)])
    assert layout(g).columns == {10: 0, 11: 1, 12: 2}


def test_hand_off_to_an_earlier_step_is_a_loop_and_does_not_move_it():
    g = graph_of([(10, CUSTOMER, 1), (11, CONTACT, 2), (12, CUSTOMER, 3)], [(10, 11), (11, 12), (12, 11)])
    result = layout(g)
    assert result.back_edges == {3}
    assert result.columns == {10: 0, 11: 1, 12: 2}


def test_parallel_steps_in_different_lanes_share_a_column():
    g = graph_of([(1, CUSTOMER, 1), (2, CUSTOMER, 2), (3, CONTACT, 3)], [(1, 2), (1, 3)])
    assert layout(g).columns == {1: 0, 2: 1, 3: 1}


def test_unlinked_steps_keep_their_place_and_never_share_a_cell():
    g = graph_of([(1, CUSTOMER, 1), (2, CUSTOMER, 2), (3, None, 3)], [])
    columns = layout(g).columns
    assert columns[1] < columns[2]
    assert columns[3] >= columns[2]


def test_a_branch_sits_beside_the_other_branch_not_after_it():
    # 1 hands off to 2 and 4; 2 to 3. Step 4 comes last in the process order but follows only step 1.
    g = graph_of(
        [(1, CUSTOMER, 1), (2, CONTACT, 2), (3, CONTACT, 3), (4, FINANCE, 4)],
        [(1, 2), (2, 3), (1, 4)],
    )
    assert layout(g).columns == {1: 0, 2: 1, 3: 2, 4: 1}
    assert layout(g).column_count == 3


def test_a_step_nobody_hands_off_to_stays_after_the_step_before_it():
    # 3 was put after 2 but nothing hands off to it yet: it does not jump back to column 0.
    g = graph_of([(1, CUSTOMER, 1), (2, CONTACT, 2), (3, FINANCE, 3)], [(1, 2)])
    assert layout(g).columns == {1: 0, 2: 1, 3: 1}


def test_a_lane_never_holds_two_cards_in_one_column_even_when_branches_meet_there():
    g = graph_of([(1, CUSTOMER, 1), (2, CONTACT, 2), (3, CONTACT, 3)], [(1, 2), (1, 3)])
    columns = layout(g).columns
    assert columns[2] != columns[3]
