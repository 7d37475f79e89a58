from __future__ import annotations

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"

    def ready(self) -> None:
        from journeys.changes import journey_changed
        from webhooks.events import on_journey_changed

        journey_changed.connect(on_journey_changed, dispatch_uid="webhooks")
