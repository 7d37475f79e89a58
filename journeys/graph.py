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
    # Flow figures (journeys/flow.py); None when nobody filled them in.
    wait_minutes: int | None = None
    share_percent: int | None = None
    complete_accurate_percent: int | None = None


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
            graph.add_edge(
                handoff.source,
                handoff.target,
                id=handoff.id,
                wait=handoff.wait_minutes,
                share=handoff.share_percent,
                ca=handoff.complete_accurate_percent,
            )
    return graph


def process_order(graph: nx.DiGraph) -> list[int]:
    return sorted(graph.nodes, key=lambda node: (graph.nodes[node]["position"], node))


def is_back_edge(graph: nx.DiGraph, source: int, target: int) -> bool:
    rank = {node: index for index, node in enumerate(process_order(graph))}
    return rank[target] < rank[source]


def layout(graph: nx.DiGraph) -> Layout:
    """Place every step in a column: a layered layout over the hand-offs, loops ignored, read left to right.

    A step sits right of every step that hands off to it (hand-offs back to an earlier step, the loops, excepted)
    and right of the step before it in its own lane (so a lane never holds two cards in one column). A step nobody
    hands off to yet is never left of the step before it in the process order, so a new or unlinked step lands
    where its author put it. Steps that do not follow each other share a column: a branch sits beside the other
    branch, not after it. These constraints form a DAG (every one points forward in the process order) whose
    longest paths give the columns.
    """
    order = process_order(graph)
    rank = {node: index for index, node in enumerate(order)}
    constraints = nx.DiGraph()
    constraints.add_nodes_from(order)
    back_edges = set()
    placed_by_handoff = set()
    for source, target, data in graph.edges(data=True):
        if rank[target] < rank[source]:
            back_edges.add(data["id"])
        else:
            constraints.add_edge(source, target, gap=1)
            placed_by_handoff.add(target)
    for earlier, later in zip(order, order[1:], strict=False):
        if later not in placed_by_handoff and not constraints.has_edge(earlier, later):
            constraints.add_edge(earlier, later, gap=0)
    last_in_lane: dict[int | None, int] = {}
    for node in order:
        lane = graph.nodes[node]["lane"]
        if lane in last_in_lane:
            constraints.add_edge(last_in_lane[lane], node, gap=1)
        last_in_lane[lane] = node
    columns: dict[int, int] = {}
    for node in order:  # the process order is a topological order of these constraints
        columns[node] = max(
            (columns[pred] + constraints.edges[pred, node]["gap"] for pred in constraints.predecessors(node)),
            default=0,
        )
    return Layout(
        columns=columns,
        back_edges=frozenset(back_edges),
        column_count=max(columns.values(), default=-1) + 1,
    )


# Insights ------------------------------------------------------------------------------------------------------
#
# Definitions, chosen so that every one is well defined on any graph the board can hold (empty, one step, several
# components, loops):
# - the *first customer step* is the first step in process order in the customer lane (the top lane); when that
#   lane holds no step, the first step in process order;
# - a *resolution* is a step with no outgoing hand-off (a sink): the journey ends there. Participants mark an end
#   by drawing nothing onwards from it, which the board shows, so no "end step" flag is needed;
# - a *loop* (repeat contact) is a simple cycle of hand-offs;
# - *paths* ignore hand-offs back to an earlier step in process order (the loops the board draws in red), which
#   makes the rest a DAG: the longest path is then well defined and linear to find;
# - *bottlenecks* are the steps with the highest betweenness (see `bottlenecks` for large boards).

# Johnson's algorithm yields loops one by one and a dense board can have exponentially many: stop after MAX_LOOPS.
# A count bound rather than simple_cycles' length_bound, which took 1.5 s (versus 34 ms) for 50 loops on 2,000 steps.
MAX_LOOPS = 50
TOP_BOTTLENECKS = 3
EXACT_BETWEENNESS_STEPS = 100  # all-pairs betweenness takes about 20 ms at 100 steps, seconds at 2,000
SEVERITY_WEIGHT = {"low": 1, "medium": 2, "high": 3}
HEAT_LEVELS = 3


@dataclass(frozen=True)
class PainItem:
    """One open pain point: on which step, which departments answer for it, how bad it is."""

    step: int
    departments: tuple[int, ...]
    severity: str = "medium"


@dataclass(frozen=True)
class Crossing:
    handoff: int
    source: int
    target: int


@dataclass(frozen=True)
class Route:
    steps: tuple[int, ...]
    handoffs: tuple[int, ...]
    minutes: int  # summed duration estimates; steps without one count as 0
    unestimated: int  # how many steps on the route have no duration estimate


@dataclass(frozen=True)
class Insights:
    start: int | None
    handoff_count: int
    crossings: tuple[Crossing, ...]
    loops: tuple[tuple[int, ...], ...]
    loops_truncated: bool
    longest_by_steps: Route | None
    longest_by_minutes: Route | None
    bottlenecks: tuple[tuple[int, float], ...]
    resolutions: tuple[int, ...]
    dead_ends: tuple[int, ...]
    unreachable: tuple[int, ...]
    without_department: tuple[int, ...]
    pain_per_step: dict[int, int]
    pain_per_department: dict[int, int]
    heat: dict[int, int]  # step id -> 1..HEAT_LEVELS, only for steps with open pain points


def lane_crossings(graph: nx.DiGraph) -> tuple[Crossing, ...]:
    """Hand-offs from one department to another; steps without a department cross nothing we can name."""
    crossings = []
    for source, target, data in graph.edges(data=True):
        source_lane, target_lane = graph.nodes[source]["lane"], graph.nodes[target]["lane"]
        if source_lane is not None and target_lane is not None and source_lane != target_lane:
            crossings.append(Crossing(data["id"], source, target))
    return tuple(sorted(crossings, key=lambda crossing: crossing.handoff))


def repeat_contact_loops(graph: nx.DiGraph, limit: int = MAX_LOOPS) -> tuple[tuple[tuple[int, ...], ...], bool]:
    """Simple cycles, each rotated to start at its earliest step; (loops, whether more were left out)."""
    rank = {node: index for index, node in enumerate(process_order(graph))}
    found = []
    for index, cycle in enumerate(nx.simple_cycles(_cyclic_part(graph))):
        if index == limit:
            return _sorted_loops(found, rank), True
        first = min(range(len(cycle)), key=lambda i: rank[cycle[i]])
        found.append(tuple(cycle[first:] + cycle[:first]))
    return _sorted_loops(found, rank), False


def _cyclic_part(graph: nx.DiGraph) -> nx.DiGraph:
    """Only the hand-offs inside a strongly connected part, without attributes: simple_cycles copies its input."""
    component_of = {}
    for index, component in enumerate(nx.strongly_connected_components(graph)):
        if len(component) > 1:
            component_of.update(dict.fromkeys(component, index))
    cyclic = nx.DiGraph()
    cyclic.add_edges_from(
        (s, t) for s, t in graph.edges() if s in component_of and component_of[s] == component_of.get(t)
    )
    return cyclic


def _sorted_loops(loops: list[tuple[int, ...]], rank: dict[int, int]) -> tuple[tuple[int, ...], ...]:
    return tuple(sorted(loops, key=lambda loop: [rank[node] for node in loop]))


def first_customer_step(graph: nx.DiGraph, customer_lane: int | None) -> int | None:
    order = process_order(graph)
    in_lane = [node for node in order if customer_lane is not None and graph.nodes[node]["lane"] == customer_lane]
    return (in_lane or order or [None])[0]


def resolutions(graph: nx.DiGraph) -> tuple[int, ...]:
    return tuple(node for node in process_order(graph) if graph.out_degree(node) == 0)


def longest_route(graph: nx.DiGraph, start: int | None, *, by_minutes: bool) -> Route | None:
    """The longest forward route from `start` to a resolution, by step count or by summed duration."""
    if start is None:
        return None
    order = process_order(graph)
    rank = {node: index for index, node in enumerate(order)}
    ends = set(resolutions(graph))

    def weight(node: int) -> tuple[int, int]:
        minutes = graph.nodes[node]["duration"] or 0
        return (minutes, 1) if by_minutes else (1, minutes)

    best: dict[int, tuple[tuple[int, int], int | None]] = {start: (weight(start), None)}
    for node in order:  # process order is a topological order of the forward hand-offs
        if node not in best:
            continue
        (primary, secondary), _previous = best[node]
        for successor in graph.successors(node):
            if rank[successor] <= rank[node]:
                continue  # a loop back: not part of a route
            extra = weight(successor)
            candidate = (primary + extra[0], secondary + extra[1])
            if successor not in best or candidate > best[successor][0]:
                best[successor] = (candidate, node)
    reached = [node for node in best if node in ends]
    if not reached:
        return None
    end = max(reached, key=lambda node: best[node][0])
    return _route(graph, best, end)


def _route(graph: nx.DiGraph, best: dict, end: int) -> Route:
    steps = [end]
    while best[steps[-1]][1] is not None:
        steps.append(best[steps[-1]][1])
    steps.reverse()
    durations = [graph.nodes[node]["duration"] for node in steps]
    return Route(
        steps=tuple(steps),
        handoffs=tuple(graph.edges[a, b]["id"] for a, b in zip(steps, steps[1:], strict=False)),
        minutes=sum(d or 0 for d in durations),
        unestimated=sum(d is None for d in durations),
    )


def bottlenecks(
    graph: nx.DiGraph, start: int | None, top: int = TOP_BOTTLENECKS, exact_up_to: int = EXACT_BETWEENNESS_STEPS
) -> tuple[tuple[int, float], ...]:
    """The steps with the highest betweenness, with their score: how many pairs of steps have their shortest route
    through it (shared routes count in part). Exact over all pairs up to `exact_up_to` steps; Brandes' algorithm is
    O(steps x hand-offs), so larger boards count only the pairs (first customer step, resolution), which is linear.
    """
    if graph.number_of_nodes() <= exact_up_to:
        scores = nx.betweenness_centrality(graph, normalized=False)
    else:
        ends = [node for node in resolutions(graph) if node != start]
        if start is None or not ends:
            return ()
        scores = nx.betweenness_centrality_subset(graph, sources=[start], targets=ends, normalized=False)
    rank = {node: index for index, node in enumerate(process_order(graph))}
    ranked = sorted((node for node, score in scores.items() if score > 0), key=lambda n: (-scores[n], rank[n]))
    return tuple((node, round(scores[node], 2)) for node in ranked[:top])


def dead_ends(graph: nx.DiGraph) -> tuple[int, ...]:
    """Steps from which no resolution can be reached: the customer goes round in circles for ever."""
    can_resolve = set(resolutions(graph))
    frontier = list(can_resolve)
    while frontier:  # one walk backwards from every resolution at once: linear, however many there are
        for predecessor in graph.predecessors(frontier.pop()):
            if predecessor not in can_resolve:
                can_resolve.add(predecessor)
                frontier.append(predecessor)
    return tuple(node for node in process_order(graph) if node not in can_resolve)


def unreachable_steps(graph: nx.DiGraph, start: int | None) -> tuple[int, ...]:
    if start is None:
        return ()
    reachable = nx.descendants(graph, start) | {start}
    return tuple(node for node in process_order(graph) if node not in reachable)


def steps_without_department(graph: nx.DiGraph) -> tuple[int, ...]:
    return tuple(node for node in process_order(graph) if graph.nodes[node]["lane"] is None)


def pain_heat(pain_points: Iterable[PainItem]) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """(open pain points per step, per responsible department, heat level 1..3 per step weighted by severity)."""
    per_step: dict[int, int] = {}
    per_department: dict[int, int] = {}
    weight: dict[int, int] = {}
    for item in pain_points:
        per_step[item.step] = per_step.get(item.step, 0) + 1
        weight[item.step] = weight.get(item.step, 0) + SEVERITY_WEIGHT.get(item.severity, 2)
        for department in set(item.departments):
            per_department[department] = per_department.get(department, 0) + 1
    hottest = max(weight.values(), default=0)
    heat = {step: max(1, -(-value * HEAT_LEVELS // hottest)) for step, value in weight.items()}
    return per_step, per_department, heat


def analyse(graph: nx.DiGraph, *, customer_lane: int | None, pain_points: Iterable[PainItem] = ()) -> Insights:
    start = first_customer_step(graph, customer_lane)
    loops, truncated = repeat_contact_loops(graph)
    per_step, per_department, heat = pain_heat(item for item in pain_points if item.step in graph)
    return Insights(
        start=start,
        handoff_count=graph.number_of_edges(),
        crossings=lane_crossings(graph),
        loops=loops,
        loops_truncated=truncated,
        longest_by_steps=longest_route(graph, start, by_minutes=False),
        longest_by_minutes=longest_route(graph, start, by_minutes=True),
        bottlenecks=bottlenecks(graph, start),
        resolutions=resolutions(graph),
        dead_ends=dead_ends(graph),
        unreachable=unreachable_steps(graph, start),
        without_department=steps_without_department(graph),
        pain_per_step=per_step,
        pain_per_department=per_department,
        heat=heat,
    )
