"""Which changes concern the manager dashboard: the one rule for the doorbell (one event, after commit) and for the
marker an open dashboard compares at every heartbeat (the latest such event), so neither moves on a timer tick or a
card the facilitator opens."""

from __future__ import annotations

from django.db.models import Max, Q

from journeys import undo
from journeys.models import Event

DASHBOARD_EVENT_PREFIXES = ("pain_point", "score.")


def concerns_dashboards(event: Event) -> bool:
    """Pain point changes, and deleting a step (its pain points go with it), a customer score measurement and a change
    of a journey's indicator (the dashboard shows every journey's score). An undo or redo concerns them when it puts
    back or removes pain points, or when the change it takes back (or brings back) concerned them."""
    if event.kind in (undo.UNDO, undo.REDO):
        if event.targets.get("pain_points"):  # the pain points it put back, changed back or removed
            return True
        event = undo.original_change(event)
    return event.kind.startswith(DASHBOARD_EVENT_PREFIXES) or event.kind == "step.deleted"


def _concerning_kinds(prefix: str = "") -> Q:
    kinds = Q(**{f"{prefix}kind": "step.deleted"})
    for start in DASHBOARD_EVENT_PREFIXES:
        kinds |= Q(**{f"{prefix}kind__startswith": start})
    return kinds


def concerning_dashboards() -> Q:
    """`concerns_dashboards` as a query: an undo takes back its `undoes`, a redo the change its undo took back."""
    taken_back = Q(targets__has_key="pain_points") | _concerning_kinds("undoes__")
    taken_back |= _concerning_kinds("undoes__undoes__")
    return _concerning_kinds() | (Q(kind__in=(undo.UNDO, undo.REDO)) & taken_back)


def dashboard_marker() -> str:
    """What an open dashboard's body was rendered under (the latest change that concerns it): the heartbeat
    carries it."""
    return str(Event.objects.filter(concerning_dashboards()).aggregate(latest=Max("pk"))["latest"] or 0)
