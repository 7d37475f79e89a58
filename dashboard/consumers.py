"""Live manager dashboards: a doorbell, not a render.

When a change concerns the dashboard's figures, live.broadcast rings the "dashboards" group (see `concerns_dashboards`,
registered in apps.py). Each open dashboard then refetches its body over HTTP with its own filters; bodies are cached
per (filters, latest event), so a hundred managers looking at the same filters cost one render. The layer may drop a
doorbell (see the realtime notes), so the heartbeat (live.doorbells) re-joins the group and carries the latest event
id: a body rendered under another one refetches.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from dashboard.views import dashboard_marker
from journeys import undo
from journeys.models import Event
from journeys.permissions import is_manager
from live.doorbells import DoorbellConsumer

DASHBOARDS_GROUP = "dashboards"
DOORBELL = "dashboard.doorbell"
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


def dashboard_groups(event: Event) -> set[str]:
    return {DASHBOARDS_GROUP} if concerns_dashboards(event) else set()


class DashboardConsumer(DoorbellConsumer):
    doorbell_type = DOORBELL

    def groups_to_follow(self, user_id: int) -> set[str] | None:
        """None once the user is no manager (any more): re-read at every beat."""
        user = get_user_model().objects.filter(pk=user_id).first()
        return {DASHBOARDS_GROUP} if user is not None and is_manager(user) else None

    def marker(self, user_id: int) -> str:
        return dashboard_marker()
