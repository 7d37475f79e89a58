"""Live manager dashboards: a doorbell, not a render.

When a pain point changes anywhere, boards.broadcast rings the "dashboards" group (broadcast.py is the only module
that talks to the channel layer). Each open dashboard then refetches its body over HTTP with its own filters;
bodies are cached per (filters, latest event), so a hundred managers looking at the same filters cost one render.
The layer may drop a doorbell (see the realtime notes), so the heartbeat (boards.doorbell_live) re-joins the group
and carries the latest event id: a body rendered under another one refetches.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from boards import broadcast
from boards.dashboard_views import dashboard_marker, is_manager
from boards.doorbell_live import DoorbellConsumer


class DashboardConsumer(DoorbellConsumer):
    doorbell_type = "dashboard.doorbell"

    def groups_to_follow(self, user_id: int) -> set[str] | None:
        """None once the user is no manager (any more): re-read at every beat."""
        user = get_user_model().objects.filter(pk=user_id).first()
        return {broadcast.DASHBOARDS_GROUP} if user is not None and is_manager(user) else None

    def marker(self, user_id: int) -> str:
        return dashboard_marker()
