"""Pure graph functions over a journey: plain data in, plain data out, no models, no database.

A journey is a directed graph: steps are nodes (with their lane and their place in the process order), hand-offs
are edges. A hand-off to a step that comes earlier in the process order is a loop: the customer comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class StepNode:
    id: int
    lane: int | None  # department id; None for a step no department performs yet
    position: int
    duration_minutes: int | None = None


@dataclass(frozen=True)
class HandoffEdge:
    id: int
    source: int
    target: int


@dataclass(frozen=True)
class Layout:
    columns: dict[int, int]  # step id -> column, 0-based, left to right
    back_edges: frozenset[int]  # ids of hand-offs that loop back to an earlier step
    column_count: int


def journey_graph(steps: Iterable[StepNode], handoffs: Iterable[HandoffEdge]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for step in steps:
        graph.add_node(
            step.id,
            lane=step.lane,
            position=step.position,
            duration=step.duration_minutes,
        )
    for handoff in handoffs:
        if handoff.source in graph and handoff.target in graph and handoff.source != handoff.target:
            graph.add_edge(handoff.source, handoff.target, id=handoff.id)
    return graph


def process_order(graph: nx.DiGraph) -> list[int]:
    return sorted(graph.nodes, key=lambda node: (graph.nodes[node]["position"], node))


def is_back_edge(graph: nx.DiGraph, source: int, target: int) -> bool:
    rank = {node: index for index, node in enumerate(process_order(graph))}
    return rank[target] < rank[source]


def layout(graph: nx.DiGraph) -> Layout:
    """Place every step in a column so that the board reads left to right in process order.

    A step sits right of every step that hands off to it (loops excepted), right of the step before it in its own
    lane (so a lane never holds two cards in one column), and never left of the step before it in the process
    order, so steps without arrows still land where the participants put them. These constraints form a DAG whose
    longest paths give the columns.
    """
    order = process_order(graph)
    rank = {node: index for index, node in enumerate(order)}
    constraints = nx.DiGraph()
    constraints.add_nodes_from(order)
    for earlier, later in zip(order, order[1:], strict=False):
        constraints.add_edge(earlier, later, gap=0)
    last_in_lane: dict[int | None, int] = {}
    for node in order:
        lane = graph.nodes[node]["lane"]
        if lane in last_in_lane:
            constraints.add_edge(last_in_lane[lane], node, gap=1)
        last_in_lane[lane] = node
    back_edges = set()
    for source, target, data in graph.edges(data=True):
        if rank[target] < rank[source]:
            back_edges.add(data["id"])
        else:
            gap = max(constraints.edges[source, target]["gap"], 1) if constraints.has_edge(source, target) else 1
            constraints.add_edge(source, target, gap=gap)
    columns: dict[int, int] = {}
    for node in nx.topological_sort(constraints):
        columns[node] = max(
            (columns[pred] + constraints.edges[pred, node]["gap"] for pred in constraints.predecessors(node)),
            default=0,
        )
    return Layout(
        columns=columns,
        back_edges=frozenset(back_edges),
        column_count=max(columns.values(), default=-1) + 1,
    )
