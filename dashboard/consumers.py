"""Live manager dashboards: a doorbell, not a render.

When a change concerns the dashboard's figures, live.broadcast rings the "dashboards" group (see `concerns_dashboards`,
registered in apps.py). Each open dashboard then refetches its body over HTTP with its own filters; bodies are cached
per (filters, marker), so a hundred managers looking at the same filters cost one render. The layer may drop a
doorbell (see the realtime notes), so the heartbeat (live.doorbells) re-joins the group and carries the marker (the
latest change that concerns dashboards, dashboard.markers): a body rendered under another one refetches.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from dashboard.markers import concerns_dashboards, dashboard_marker
from journeys.models import Event
from journeys.permissions import is_manager
from live.doorbells import DoorbellConsumer

DASHBOARDS_GROUP = "dashboards"
DOORBELL = "dashboard.doorbell"


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
