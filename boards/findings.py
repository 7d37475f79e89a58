"""A finding of the insights panel: a label and the steps and hand-offs it highlights on the board."""

from __future__ import annotations

from dataclasses import dataclass, field

from journeys.models import Step


@dataclass
class Finding:
    key: str  # stable within one journey, so a highlighted finding stays highlighted after a push
    label: str
    steps: list[Step] = field(default_factory=list)
    handoffs: list[int] = field(default_factory=list)
    extra: str = ""

    @property
    def step_ids(self) -> str:
        return " ".join(str(step.pk) for step in self.steps)

    @property
    def handoff_ids(self) -> str:
        return " ".join(str(handoff) for handoff in self.handoffs)
