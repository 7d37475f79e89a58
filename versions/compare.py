"""Two versions of a journey side by side: which steps and hand-offs were added, removed or changed, and the figures
before and after. Pure: plain data in, plain data out.

Steps are matched by lineage, not by title (a future-state step is often renamed): each step has a root, the step of
the first version it was copied from (through every copy in between), and two steps match when their roots are the
same. A step made in a version has itself as its root. Hand-offs match when both their ends match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STEP_FIELDS = ("title", "lane", "channel", "duration_minutes", "description")
HANDOFF_FIELDS = ("label", "wait_minutes", "share_percent", "complete_accurate_percent")


@dataclass(frozen=True)
class StepFacts:
    id: int
    root: int
    position: int
    title: str
    lane: str = ""  # the department's name; "" without one
    channel: str = ""
    duration_minutes: int | None = None
    description: str = ""


@dataclass(frozen=True)
class HandoffFacts:
    id: int
    source: int  # step ids of its own version
    target: int
    label: str = ""
    wait_minutes: int | None = None
    share_percent: int | None = None
    complete_accurate_percent: int | None = None


@dataclass(frozen=True)
class Change:
    before: StepFacts | HandoffFacts
    after: StepFacts | HandoffFacts
    fields: tuple[str, ...]  # what differs


@dataclass
class Comparison:
    steps_added: list[StepFacts] = field(default_factory=list)
    steps_removed: list[StepFacts] = field(default_factory=list)
    steps_changed: list[Change] = field(default_factory=list)
    steps_kept: int = 0
    handoffs_added: list[HandoffFacts] = field(default_factory=list)
    handoffs_removed: list[HandoffFacts] = field(default_factory=list)
    handoffs_changed: list[Change] = field(default_factory=list)
    handoffs_kept: int = 0
    matches: dict[int, int] = field(default_factory=dict)  # step of before -> step of after


def _differences(before: object, after: object, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for name in names if getattr(before, name) != getattr(after, name))


def compare(
    before_steps: list[StepFacts],
    before_handoffs: list[HandoffFacts],
    after_steps: list[StepFacts],
    after_handoffs: list[HandoffFacts],
) -> Comparison:
    result = Comparison()
    after_by_root: dict[int, StepFacts] = {}
    for step in sorted(after_steps, key=lambda s: (s.position, s.id)):
        after_by_root.setdefault(step.root, step)
    for step in sorted(before_steps, key=lambda s: (s.position, s.id)):
        twin = after_by_root.pop(step.root, None)
        if twin is None:
            result.steps_removed.append(step)
            continue
        result.matches[step.id] = twin.id
        changed = _differences(step, twin, STEP_FIELDS)
        if changed:
            result.steps_changed.append(Change(step, twin, changed))
        else:
            result.steps_kept += 1
    matched_after = set(result.matches.values())
    result.steps_added = sorted((s for s in after_steps if s.id not in matched_after), key=lambda s: (s.position, s.id))
    after_by_ends = {(h.source, h.target): h for h in after_handoffs}
    for handoff in before_handoffs:
        ends = (result.matches.get(handoff.source), result.matches.get(handoff.target))
        twin = after_by_ends.pop(ends, None) if None not in ends else None
        if twin is None:
            result.handoffs_removed.append(handoff)
            continue
        changed = _differences(handoff, twin, HANDOFF_FIELDS)
        if changed:
            result.handoffs_changed.append(Change(handoff, twin, changed))
        else:
            result.handoffs_kept += 1
    result.handoffs_added = sorted(after_by_ends.values(), key=lambda h: h.id)
    return result
