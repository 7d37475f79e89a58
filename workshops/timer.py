"""The shared timer's arithmetic, pure: what the stored fields mean at a given server time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

IDLE, RUNNING, PAUSED, DONE = "idle", "running", "paused", "done"


@dataclass(frozen=True)
class TimerState:
    status: str
    duration_seconds: int
    remaining_seconds: float
    deadline: datetime | None  # only while running: the absolute server time the countdown reaches zero


def timer_state(
    *, duration_seconds: int, started_at: datetime | None, remaining_seconds: float, now: datetime
) -> TimerState:
    if started_at is None:
        status = IDLE if remaining_seconds >= duration_seconds else PAUSED
        return TimerState(status, duration_seconds, remaining_seconds, None)
    deadline = started_at + timedelta(seconds=remaining_seconds)
    left = max((deadline - now).total_seconds(), 0.0)
    return TimerState(RUNNING if left > 0 else DONE, duration_seconds, left, deadline)
