from __future__ import annotations

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"

    def ready(self) -> None:
        from dashboard.consumers import DOORBELL, dashboard_groups
        from dashboard.flow_history import record_after_change
        from dashboard.pain_point_weeks import keep_after_change
        from live.broadcast import register_doorbell
        from live.fanout import register_after_push

        register_doorbell(DOORBELL, dashboard_groups)
        # Half of a rename's answer went into this figure; nobody waits for it, so it is kept after the answer.
        register_after_push(record_after_change)
        # The weekly pain point flow is kept per journey, so the dashboard sums weeks instead of counting every row.
        register_after_push(keep_after_change)
