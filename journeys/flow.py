"""Failure demand and flow: what the loops cost the customer and where the time goes. Pure functions over the
journey graph of `graph.journey_graph` (steps with their duration, hand-offs with their waiting time, share of
cases and % complete and accurate); no models, no database.

The journey is read as an absorbing Markov chain: a customer question starts at the first customer step and at
every step takes one of its hand-offs with the probability of that hand-off's share; it ends at a resolution (a
step with no hand-off onwards). The README ("Failure demand and flow") gives the definitions in plain words:
- *main route*: the most likely route from the first customer step to a resolution, loops left out; on it the
  *process time* (the steps' durations), the *lead time* (process time plus the waiting before each step) and
  the *flow efficiency* (process time / lead time), and the *rolled % complete and accurate* (the product of the
  route's hand-offs' %C&A: the share of cases that pass the whole route without being corrected or sent back);
- *contacts per customer question*: the first contact plus every loop taken (a hand-off back to an earlier step,
  drawn red on the board), on average: one loop taken with share p gives 1 / (1 - p). The *failure-demand share*
  is the part of all contacts that are repeats: (contacts - 1) / contacts;
- *rework time*: how much longer a question takes on average because of the loops: the expected time with the
  loops minus the expected time when every loop's share goes to its step's other routes;
- *per department*: the expected waiting per question after the hand-offs that leave its steps, and the repeat
  contacts that follow them: a loop taken from one of its steps, or from a customer step the case reached from it.
Missing figures have defaults, and are counted so the panel can say how much is guessed: a step without a
duration and a hand-off without a waiting time count as 0 minutes, a hand-off without %C&A as 100 %, and routes
without a share split what the others leave equally (see `route_probabilities`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from journeys.graph import first_customer_step, process_order

FULL_SHARE = 100
# A pivot this close to zero means the customer (almost) never leaves a loop: reported as trapped, not divided by.
EPSILON = 1e-12

Probabilities = dict[tuple[int, int], float]


@dataclass(frozen=True)
class ShareProblem:
    """A step whose routes' shares cannot be used as filled in (a hand-off was added or removed since, say)."""

    step: int
    total: int  # the shares filled in, added up
    missing: int  # routes without a share


@dataclass(frozen=True)
class Leg:
    """One step on the main route, with the waiting before it (on the hand-off into it) and the work it takes."""

    step: int
    handoff: int | None  # the hand-off into this step; None for the first step
    wait_minutes: int | None
    work_minutes: int | None


@dataclass(frozen=True)
class MainRoute:
    legs: tuple[Leg, ...]
    probability: float  # the share of customer questions that go this way from start to end, without a loop
    process_minutes: int
    wait_minutes: int
    rolled_ca: float | None  # 0..1; None when no hand-off on the route has a %C&A
    unestimated_steps: int
    unknown_waits: int
    unknown_ca: int

    @property
    def lead_minutes(self) -> int:
        return self.process_minutes + self.wait_minutes

    @property
    def flow_efficiency(self) -> float | None:
        return self.process_minutes / self.lead_minutes if self.lead_minutes else None

    @property
    def steps(self) -> tuple[int, ...]:
        return tuple(leg.step for leg in self.legs)

    @property
    def handoffs(self) -> tuple[int, ...]:
        return tuple(leg.handoff for leg in self.legs if leg.handoff is not None)


@dataclass(frozen=True)
class DepartmentFlow:
    department: int | None  # None: steps without a department
    wait_minutes: float  # expected waiting per customer question after its hand-offs
    repeat_contacts: float  # expected repeat contacts per customer question that follow its hand-offs
    handoffs: int
    unknown_waits: int


@dataclass(frozen=True)
class Flow:
    start: int | None
    main_route: MainRoute | None
    contacts: float | None  # expected contacts per customer question; None when it has no finite value
    rework_minutes: float | None
    trapped: tuple[int, ...] = ()  # steps a customer can reach and never leave: the figures above are None
    share_problems: tuple[ShareProblem, ...] = ()
    assumed_shares: tuple[int, ...] = ()  # steps whose routes' shares are (partly) assumed
    departments: tuple[DepartmentFlow, ...] = ()
    repeats_per_handoff: dict[int, float] = field(default_factory=dict)  # loop hand-off id -> expected times taken
    customer_lane: int | None = None

    @property
    def failure_demand(self) -> float | None:
        """Repeat contacts as a share (0..1) of all contacts."""
        return None if self.contacts is None else (self.contacts - 1) / self.contacts


# The journey as the chain reads it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    """The graph's steps and hand-offs in plain dicts, read once: the figures below walk them many times."""

    order: list[int]  # process order: a topological order of the forward hand-offs
    rank: dict[int, int]
    lane: dict[int, int | None]
    duration: dict[int, int | None]
    out: dict[int, list[tuple[int, dict[str, Any]]]]  # step -> [(next step, the hand-off's data)]

    def edges(self) -> Iterator[tuple[int, int, dict[str, Any]]]:
        for source in self.order:
            for target, data in self.out[source]:
                yield source, target, data

    def is_loop(self, source: int, target: int) -> bool:
        return self.rank[target] < self.rank[source]


def chain_of(graph: nx.DiGraph) -> Chain:
    order = process_order(graph)
    return Chain(
        order=order,
        rank={node: index for index, node in enumerate(order)},
        lane=dict(graph.nodes(data="lane")),
        duration=dict(graph.nodes(data="duration")),
        out={node: list(successors.items()) for node, successors in graph.adjacency()},
    )


# Route shares ---------------------------------------------------------------------------------------------------


def route_probabilities(graph: nx.DiGraph | Chain) -> tuple[Probabilities, tuple[ShareProblem, ...], tuple[int, ...]]:
    """The probability that a case at a step takes each of its hand-offs, from the shares filled in:
    - a step's only route takes every case;
    - routes without a share split what the shares filled in leave, equally (all empty: an equal split);
    - shares that cannot be used as they are (all filled in but not adding up to 100 %, or leaving nothing for the
      routes without one) are scaled to add up and the step is reported; the routes without one then get nothing.
    Returns (probabilities per (source, target), the steps reported, the steps with assumed shares)."""
    chain = graph if isinstance(graph, Chain) else chain_of(graph)
    probabilities: Probabilities = {}
    problems, assumed = [], []
    for node in chain.order:
        routes = chain.out[node]
        if len(routes) == 1:
            probabilities[node, routes[0][0]] = 1.0
        elif routes:
            shares = {target: data["share"] for target, data in routes}
            split, problem, guessed = _split(shares)
            probabilities.update({(node, target): split[target] for target in shares})
            if problem is not None:
                problems.append(ShareProblem(node, sum(s for s in shares.values() if s is not None), problem))
            elif guessed:
                assumed.append(node)
    return probabilities, tuple(problems), tuple(assumed)


def split_shares(shares: list[int | None]) -> tuple[list[float], ShareProblem | None, bool]:
    """One step's routes, as `route_probabilities` reads them: (the probability of each route, in the same order;
    the problem when the shares cannot be used as they are (its step is 0); whether any share is assumed)."""
    if len(shares) < 2:
        return [1.0] * len(shares), None, False
    split, problem, assumed = _split(dict(enumerate(shares)))
    total = sum(share for share in shares if share is not None)
    return (
        [split[index] for index in range(len(shares))],
        (None if problem is None else ShareProblem(0, total, problem)),
        assumed,
    )


def share_problem(shares: list[int | None]) -> ShareProblem | None:
    """Whether the shares of one step's routes, as they would be saved, cannot be used as they are."""
    return split_shares(shares)[1]


def _split(shares: dict[int, int | None]) -> tuple[dict[int, float], int | None, bool]:
    """(probability per route, the number of routes without a share if the step must be reported, whether assumed)."""
    known = {target: share for target, share in shares.items() if share is not None}
    missing = [target for target in shares if target not in known]
    total = sum(known.values())
    rest = FULL_SHARE - total
    if missing and rest > 0:
        split = {target: share / FULL_SHARE for target, share in known.items()}
        return split | dict.fromkeys(missing, rest / FULL_SHARE / len(missing)), None, True
    if total == 0:  # every share is 0 %: nothing to scale, so an equal split
        return dict.fromkeys(shares, 1 / len(shares)), len(missing), True
    split = {target: share / total for target, share in known.items()} | dict.fromkeys(missing, 0.0)
    return split, (len(missing) if total != FULL_SHARE or missing else None), False


# The main route -------------------------------------------------------------------------------------------------


def main_route(chain: Chain, start: int | None, probabilities: Probabilities) -> MainRoute | None:
    """The most likely forward route from `start` to a resolution (on equal odds, the one with more steps)."""
    if start is None:
        return None
    best: dict[int, tuple[tuple[float, int], int | None]] = {start: ((1.0, 1), None)}
    for node in chain.order:
        if node not in best:
            continue
        (odds, length), _previous = best[node]
        for successor, _data in chain.out[node]:
            chance = probabilities[node, successor]
            if chain.is_loop(node, successor) or successor == node or chance <= 0:
                continue
            candidate = (round(odds * chance, 12), length + 1)
            if successor not in best or candidate > best[successor][0]:
                best[successor] = (candidate, node)
    ends = [node for node in chain.order if not chain.out[node] and node in best]
    if not ends:
        return None
    end = max(ends, key=lambda node: best[node][0])
    return _main_route(chain, best, end)


def _main_route(chain: Chain, best: dict, end: int) -> MainRoute:
    steps = [end]
    while best[steps[-1]][1] is not None:
        steps.append(best[steps[-1]][1])
    steps.reverse()
    legs = [Leg(steps[0], None, None, chain.duration[steps[0]])]
    judged = []
    for before, step in zip(steps, steps[1:], strict=False):
        data = next(data for target, data in chain.out[before] if target == step)
        legs.append(Leg(step, data["id"], data["wait"], chain.duration[step]))
        judged.append(data["ca"])
    rolled = None
    for percent in judged:
        if percent is not None:
            rolled = (1.0 if rolled is None else rolled) * percent / FULL_SHARE
    return MainRoute(
        legs=tuple(legs),
        probability=best[end][0][0],
        process_minutes=sum(leg.work_minutes or 0 for leg in legs),
        wait_minutes=sum(leg.wait_minutes or 0 for leg in legs[1:]),
        rolled_ca=rolled,
        unestimated_steps=sum(leg.work_minutes is None for leg in legs),
        unknown_waits=sum(leg.wait_minutes is None for leg in legs[1:]),
        unknown_ca=sum(percent is None for percent in judged),
    )


# The absorbing chain --------------------------------------------------------------------------------------------


def reachable(chain: Chain, start: int, probabilities: Probabilities) -> set[int]:
    """Steps a customer question can get to from `start`, over hand-offs that some cases take."""
    seen, frontier = {start}, [start]
    while frontier:
        node = frontier.pop()
        for successor, _data in chain.out[node]:
            if successor not in seen and probabilities.get((node, successor), 0.0) > 0:
                seen.add(successor)
                frontier.append(successor)
    return seen


def trapped_steps(chain: Chain, reached: set[int], probabilities: Probabilities) -> tuple[int, ...]:
    """The loops a customer can get into and never leave for a resolution: there the expected figures have no end.
    (Steps that only lead into such a loop are not listed: the loop is what needs a way out.)"""
    taken = [(s, t) for s, t, _data in chain.edges() if s in reached and probabilities[s, t] > 0]
    comes_from: dict[int, list[int]] = {}
    for source, target in taken:
        comes_from.setdefault(target, []).append(source)
    can_end = {node for node in reached if not chain.out[node]}
    frontier = list(can_end)
    while frontier:
        for predecessor in comes_from.get(frontier.pop(), ()):
            if predecessor not in can_end:
                can_end.add(predecessor)
                frontier.append(predecessor)
    if len(can_end) == len(reached):
        return ()
    cyclic = nx.DiGraph(taken)
    closed = set()
    for component in nx.strongly_connected_components(cyclic):
        leaves = any(t not in component for s in component for t in cyclic.successors(s))
        if len(component) > 1 and not leaves:
            closed |= component
    return tuple(node for node in chain.order if node in closed)


def solve_visits(
    order: list[int],
    inflow: dict[int, list[tuple[int, float]]],
    sources: dict[int, dict[Hashable, float]],
) -> dict[int, dict[Hashable, float]] | None:
    """Solve x[n] = sources[n] + sum(p * x[m] for m, p in inflow[n]) for every n in `order`; x and the sources are
    vectors (dicts), so one pass serves several right-hand sides. None when the system has no finite solution.

    Sparse Gaussian elimination, latest step first: a case flows forward in process order and only loops point
    back, so eliminating the latest step links its few predecessors to the few earlier steps its loops reach. On
    a journey (a chain with branches and loops) that keeps every equation short: linear time, no matrix library.
    """
    equations = {n: (dict(sources.get(n, {})), _summed(inflow.get(n, ()))) for n in order}
    users: dict[int, set[int]] = {n: set() for n in order}
    for n, (_constant, terms) in equations.items():
        for m in terms:
            users[m].add(n)
    done: set[int] = set()
    for k in reversed(order):
        constant, terms = equations[k]
        pivot = 1.0 - terms.pop(k, 0.0)
        if pivot < EPSILON:
            return None
        if pivot != 1.0:
            constant.update({key: value / pivot for key, value in constant.items()})
            terms.update({m: value / pivot for m, value in terms.items()})
        done.add(k)
        for n in users[k]:
            if n not in done:
                _substitute(equations[n], k, constant, terms, users, n)
    return _back_substitute(order, equations)


def _summed(terms: Iterable[tuple[int, float]]) -> dict[int, float]:
    summed: dict[int, float] = {}
    for m, value in terms:
        summed[m] = summed.get(m, 0.0) + value
    return summed


def _substitute(equation: tuple, k: int, constant: dict, terms: dict, users: dict[int, set[int]], n: int) -> None:
    own_constant, own_terms = equation
    factor = own_terms.pop(k)
    for key, value in constant.items():
        own_constant[key] = own_constant.get(key, 0.0) + factor * value
    for m, value in terms.items():
        own_terms[m] = own_terms.get(m, 0.0) + factor * value
        users[m].add(n)


def _back_substitute(order: list[int], equations: dict) -> dict[int, dict[Hashable, float]]:
    solved: dict[int, dict[Hashable, float]] = {}
    for k in order:  # each equation now refers only to steps eliminated after it: earlier ones, solved already
        constant, terms = equations[k]
        value = dict(constant)
        for m, factor in terms.items():
            for key, amount in solved[m].items():
                value[key] = value.get(key, 0.0) + factor * amount
        solved[k] = value
    return solved


def expected_visits(chain: Chain, start: int, probabilities: Probabilities, nodes: set[int]) -> dict[int, float] | None:
    """How often, on average, one customer question passes each step of `nodes` (those reachable from start)."""
    inflow: dict[int, list[tuple[int, float]]] = {}
    for source in nodes:
        for target, _data in chain.out[source]:
            chance = probabilities[source, target]
            if chance > 0:
                inflow.setdefault(target, []).append((source, chance))
    order = sorted(nodes, key=chain.rank.__getitem__)
    solved = solve_visits(order, inflow, {start: {"visits": 1.0}})
    return None if solved is None else {node: value.get("visits", 0.0) for node, value in solved.items()}


def forward_visits(chain: Chain, start: int, forward: Probabilities) -> dict[int, float]:
    """Expected visits when no case loops back: one pass in process order, which the forward routes follow."""
    visits = {start: 1.0}
    for node in chain.order[chain.rank[start] :]:
        count = visits.get(node)
        if not count:
            continue
        for target, _data in chain.out[node]:
            chance = forward.get((node, target), 0.0)
            if chance > 0:
                visits[target] = visits.get(target, 0.0) + count * chance
    return visits


def expected_minutes(chain: Chain, visits: dict[int, float], probabilities: Probabilities) -> float:
    """Work and waiting per customer question: every visit's duration plus every hand-off's waiting."""
    minutes = sum(count * (chain.duration[node] or 0) for node, count in visits.items())
    for source, count in visits.items():
        for target, data in chain.out[source]:
            if data["wait"]:
                minutes += count * probabilities.get((source, target), 0.0) * data["wait"]
    return minutes


def without_loops(chain: Chain, probabilities: Probabilities) -> Probabilities:
    """The shares as if no case ever looped back: each loop's share goes to its step's other routes."""
    forward: Probabilities = {}
    for node in chain.order:
        routes = [target for target, _data in chain.out[node] if not chain.is_loop(node, target)]
        total = sum(probabilities[node, target] for target in routes)
        for target in routes:
            forward[node, target] = probabilities[node, target] / total if total else 1 / len(routes)
    return forward


# Per department -------------------------------------------------------------------------------------------------


def department_flows(
    chain: Chain, visits: dict[int, float], probabilities: Probabilities, credit: dict[int | None, float]
) -> tuple[DepartmentFlow, ...]:
    """Waiting after each department's hand-offs and the repeat contacts credited to it (`repeat_credit`), per
    customer question."""
    rows: dict[int | None, list] = {}
    for source, count in visits.items():
        for target, data in chain.out[source]:
            row = rows.setdefault(chain.lane[source], [0.0, 0, 0])
            row[0] += count * probabilities[source, target] * (data["wait"] or 0)
            row[1] += 1
            row[2] += data["wait"] is None
    for department in credit:
        rows.setdefault(department, [0.0, 0, 0])
    return tuple(
        DepartmentFlow(department, wait, credit.get(department, 0.0), handoffs, unknown)
        for department, (wait, handoffs, unknown) in rows.items()
    )


def repeat_credit(
    chain: Chain,
    visits: dict[int, float],
    probabilities: Probabilities,
    repeats: dict[tuple[int, int], float],
    *,
    start: int,
    customer_lane: int | None,
) -> dict[int | None, float]:
    """The repeat contacts each department answers for. One that starts at a customer step counts for the
    departments whose hand-offs brought the case into the customer's lane, in proportion to how often each did (a
    letter sent to the old address, then the customer calls)."""
    customer = {node for node in visits if customer_lane is not None and chain.lane[node] == customer_lane}
    origins = _customer_origins(chain, visits, probabilities, customer, start=start, customer_lane=customer_lane)
    credit: dict[int | None, float] = {}
    for (source, _target), times in repeats.items():
        if source in customer:
            shares = origins.get(source, {})
            total = sum(shares.values()) or 1.0
            for department, amount in shares.items():
                credit[department] = credit.get(department, 0.0) + times * amount / total
        else:
            credit[chain.lane[source]] = credit.get(chain.lane[source], 0.0) + times
    return credit


def _customer_origins(
    chain: Chain,
    visits: dict[int, float],
    probabilities: Probabilities,
    customer: set[int],
    *,
    start: int,
    customer_lane: int | None,
) -> dict[int, dict[Hashable, float]]:
    """For each customer step: its visits split by the department whose step the case last left (the customer's
    own lane for a case no department has handled yet). One more pass of the same solver, a vector per step."""
    if not customer:
        return {}
    sources: dict[int, dict[Hashable, float]] = {}
    inflow: dict[int, list[tuple[int, float]]] = {}
    for source, count in visits.items():
        for target, _data in chain.out[source]:
            chance = probabilities[source, target]
            if target not in customer or chance <= 0:
                continue
            if source in customer:
                inflow.setdefault(target, []).append((source, chance))
            else:
                department = sources.setdefault(target, {})
                department[chain.lane[source]] = department.get(chain.lane[source], 0.0) + count * chance
    if start in customer:  # the first contact: no department has had the case yet
        first = sources.setdefault(start, {})
        first[customer_lane] = first.get(customer_lane, 0.0) + 1.0
    order = [node for node in chain.order if node in customer]
    return solve_visits(order, inflow, sources) or {}


# Everything at once ---------------------------------------------------------------------------------------------


def flow(graph: nx.DiGraph, *, customer_lane: int | None) -> Flow:
    chain = chain_of(graph)
    start = first_customer_step(graph, customer_lane)
    probabilities, problems, assumed = route_probabilities(chain)
    route = main_route(chain, start, probabilities)
    shares = {"share_problems": problems, "assumed_shares": assumed, "customer_lane": customer_lane}
    if start is None:
        return Flow(start, route, None, None, **shares)
    nodes = reachable(chain, start, probabilities)
    trapped = trapped_steps(chain, nodes, probabilities)
    visits = None if trapped else expected_visits(chain, start, probabilities, nodes)
    if visits is None:
        return Flow(start, route, None, None, trapped=trapped or tuple(n for n in chain.order if n in nodes), **shares)
    repeats = {
        (source, target): count * probabilities[source, target]
        for source, count in visits.items()
        for target, _data in chain.out[source]
        if chain.is_loop(source, target) and probabilities[source, target] > 0
    }
    credit = repeat_credit(chain, visits, probabilities, repeats, start=start, customer_lane=customer_lane)
    forward = without_loops(chain, probabilities)
    straight = forward_visits(chain, start, forward)
    ids = {(source, target): data["id"] for source, target, data in chain.edges()}
    return Flow(
        start=start,
        main_route=route,
        contacts=1.0 + sum(repeats.values()),
        rework_minutes=expected_minutes(chain, visits, probabilities) - expected_minutes(chain, straight, forward),
        departments=department_flows(chain, visits, probabilities, credit),
        repeats_per_handoff={ids[edge]: times for edge, times in repeats.items()},
        **shares,
    )
