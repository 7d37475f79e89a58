from __future__ import annotations

from django.apps import AppConfig


class LiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "live"

    def ready(self) -> None:
        from journeys.changes import journey_changed
        from live import broadcast

        journey_changed.connect(broadcast.on_journey_changed, dispatch_uid="live.broadcast")
