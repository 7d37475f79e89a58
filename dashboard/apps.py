from __future__ import annotations

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"

    def ready(self) -> None:
        from dashboard.consumers import DOORBELL, dashboard_groups
        from dashboard.flow_history import record_after_change
        from journeys.changes import journey_changed
        from live.broadcast import register_doorbell

        register_doorbell(DOORBELL, dashboard_groups)
        journey_changed.connect(record_after_change, dispatch_uid="dashboard-flow-day")
