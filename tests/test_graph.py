from __future__ import annotations

from journeys.graph import HandoffEdge, StepNode, journey_graph, layout

CUSTOMER, CONTACT = 1, 2


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
