"""How long the insights panel's graph analysis takes on a large board. Run: python bench/bench_graph.py

Builds a 2,000-step journey in 6 lanes: a main chain with forward branches, loops back to earlier steps (repeat
contacts), a few disconnected parts and steps without a department, then times `graph.analyse` (the whole panel)
and, next to it, `flow.flow` (failure demand and flow: main route, contacts per question, rework, per department)
with waiting times, shares and %C&A on most hand-offs. Target: <= 100 ms each for 2,000 steps. Wall time suffers
when other processes share the cores; CPU time does not.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journeys import flow, graph  # noqa: E402


def big_board(steps: int, seed: int = 2026) -> tuple[list[graph.StepNode], list[graph.HandoffEdge], list]:
    rng = random.Random(seed)
    nodes = [
        graph.StepNode(i, None if i % 97 == 0 else i % 6, i * 1024, rng.choice([None, 5, 10, 30, 1440]))
        for i in range(1, steps + 1)
    ]
    pairs = set()
    for i in range(1, steps):
        if i % 250 != 0:  # every 250 steps the chain breaks: several components
            pairs.add((i, i + 1))
    for _ in range(steps // 2):  # forward branches
        a = rng.randrange(1, steps)
        pairs.add((a, min(steps, a + rng.randrange(2, 20))))
    for _ in range(steps // 20):  # repeat contacts back to an earlier step
        a = rng.randrange(10, steps)
        pairs.add((a, a - rng.randrange(1, 10)))
    edges = [
        graph.HandoffEdge(index, a, b, *_flow_figures(rng, a > b))
        for index, (a, b) in enumerate(sorted(pairs), 1)
        if a != b
    ]
    pains = [
        graph.PainItem(rng.randrange(1, steps + 1), (rng.randrange(6),), rng.choice(["low", "medium", "high"]))
        for _ in range(steps // 4)
    ]
    return nodes, edges, pains


def _flow_figures(rng: random.Random, loop: bool) -> tuple[int | None, int | None, int | None]:
    """Waiting, share and %C&A as a workshop fills them in: most known, some not; loops taken by a few cases."""
    wait = rng.choice([None, 0, 5, 60, 1440, 2880])
    share = rng.choice([None, 5, 10, 20]) if loop else rng.choice([None, None, 30, 50])
    return wait, share, rng.choice([None, 80, 90, 95, 100])


def time_it(run, repeat: int = 9) -> tuple[float, float, float, object]:
    """(wall median, wall min, CPU median) in ms, and the last result."""
    timings, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = run()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(timings), min(timings), statistics.median(cpu), result


def main() -> None:
    for size in (100, 500, 2000):
        nodes, edges, pains = big_board(size)

        def analysis(nodes=nodes, edges=edges, pains=pains):
            return graph.analyse(graph.journey_graph(nodes, edges), customer_lane=1, pain_points=pains)

        wall, least, cpu, result = time_it(analysis)
        print(
            f"{size:>5} steps, {len(edges):>5} hand-offs: wall median {wall:6.1f} ms "
            f"(min {least:5.1f}), CPU median {cpu:6.1f} ms (graph build + analyse); "
            f"{len(result.loops)} loops{'+' if result.loops_truncated else ''}, "
            f"{len(result.unreachable)} unreachable, {len(result.dead_ends)} dead ends"
        )
        wall, least, cpu, figures = time_it(
            lambda nodes=nodes, edges=edges: flow.flow(graph.journey_graph(nodes, edges), customer_lane=1)
        )
        route = figures.main_route
        print(
            f"{'':>5}        {'':>5}             wall median {wall:6.1f} ms "
            f"(min {least:5.1f}), CPU median {cpu:6.1f} ms (graph build + flow); "
            f"{figures.contacts:.3f} contacts per question, main route {len(route.steps) if route else 0} steps, "
            f"{len(figures.share_problems)} steps with shares to check"
        )


if __name__ == "__main__":
    main()
