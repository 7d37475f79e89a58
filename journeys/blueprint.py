"""The service blueprint view of a journey: pure functions over lane roles and the journey graph, no database.

Each lane has a role: customer, frontstage (the customer sees or talks to them), backstage, support (systems, other
organisations). Three lines separate the roles: interaction (customer | frontstage), visibility (frontstage |
backstage) and internal interaction (backstage | support). They are never drawn by hand: a line lies between two
lanes wherever the roles above it and below it fall on its two sides. Lanes without a role yet are transparent: a line
lies right above the first lane with a role on its other side. In blueprint order (customer lanes on top, support at
the bottom) each line lies in one place; lanes out of that order make a line appear more than once, which is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from journeys.graph import Crossing, process_order

CUSTOMER, FRONTSTAGE, BACKSTAGE, SUPPORT = "customer", "frontstage", "backstage", "support"
RANK = {CUSTOMER: 0, FRONTSTAGE: 1, BACKSTAGE: 2, SUPPORT: 3}
INTERACTION, VISIBILITY, INTERNAL = "interaction", "visibility", "internal"
# Each line and the first rank below it.
LINES = ((INTERACTION, RANK[FRONTSTAGE]), (VISIBILITY, RANK[BACKSTAGE]), (INTERNAL, RANK[SUPPORT]))


@dataclass(frozen=True)
class Line:
    kind: str  # interaction, visibility or internal
    boundary: int  # the line lies right above the lane with this index (0 is the top lane)


def _below(role: str | None, threshold: int) -> bool | None:
    """Whether a lane of this role lies below the line of this threshold; None for a lane without a role."""
    return RANK[role] >= threshold if role in RANK else None


def lines(roles: Sequence[str | None]) -> tuple[Line, ...]:
    """Where the three lines lie between lanes with these roles (top to bottom), ordered top to bottom."""
    found = []
    for kind, threshold in LINES:
        previous = None
        for index, role in enumerate(roles):
            side = _below(role, threshold)
            if side is None:
                continue
            if previous is not None and side != previous:
                found.append(Line(kind, index))
            previous = side
    order = [kind for kind, _threshold in LINES]
    return tuple(sorted(found, key=lambda line: (line.boundary, order.index(line.kind))))


def in_blueprint_order(roles: Sequence[str | None]) -> bool:
    """Whether the lanes with a role go from customer down to support: then every line lies in one place."""
    ranks = [RANK[role] for role in roles if role in RANK]
    return ranks == sorted(ranks)


def visibility_crossings(graph: nx.DiGraph, roles: Mapping[int, str]) -> tuple[Crossing, ...]:
    """Hand-offs between a lane the customer sees (customer, frontstage) and one out of sight (backstage, support).
    `roles` maps a department (a step's lane) to its lane's role; steps in a lane without a role cross nothing."""
    crossings = []
    for source, target, data in graph.edges(data=True):
        sides = {_below(roles.get(graph.nodes[node]["lane"]), RANK[BACKSTAGE]) for node in (source, target)}
        if sides == {True, False}:
            crossings.append(Crossing(data["id"], source, target))
    return tuple(sorted(crossings, key=lambda crossing: crossing.handoff))


def unanswered_customer_steps(graph: nx.DiGraph, roles: Mapping[int, str]) -> tuple[int, ...]:
    """Customer steps that hand off to no frontstage step: the customer acts and nobody who faces them answers."""

    def role(node: int) -> str | None:
        return roles.get(graph.nodes[node]["lane"])

    return tuple(
        node
        for node in process_order(graph)
        if role(node) == CUSTOMER and not any(role(successor) == FRONTSTAGE for successor in graph.successors(node))
    )
