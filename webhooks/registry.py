"""The webhook event types and which journey change kinds send them. Another app plugs in from its
`AppConfig.ready()`:

    register_event_type("fix.linked", gettext_lazy("Fix linked"))
    register_event_kind("fix.linked", "fix.linked", payload=fix_payload)   # Event.kind -> event type
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from journeys.models import Event, PainPoint

# Every event type a subscription can ask for, as the subscription form lists them.
EVENT_TYPES: dict[str, Any] = {
    "pain_point.created": _("Pain point created"),
    "pain_point.state_changed": _("Pain point moved on (picked up, handed over, given back, fix planned, solved, "
                                  "won't fix, reopened)"),
    "pain_point.commented": _("Pain point commented"),
}  # fmt: skip
TEST_EVENT = "webhook.test"

# (event) -> (the pain point it is about, or None; the message's data, empty to send nothing)
Payload = Callable[[Event], tuple[PainPoint | None, dict[str, Any]]]


@dataclass(frozen=True)
class Registered:
    event_type: str
    payload: Payload


KINDS: dict[str, Registered] = {}


def register_event_type(event_type: str, label: Any) -> None:
    EVENT_TYPES[event_type] = label


def register_event_kind(kind: str, event_type: str, *, payload: Payload) -> None:
    """Send `event_type` for every committed change of `kind` (`journeys.models.Event.kind`)."""
    KINDS[kind] = Registered(event_type, payload)
