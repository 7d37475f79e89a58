from __future__ import annotations

from django.apps import AppConfig


class FixesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fixes"

    def ready(self) -> None:
        from fixes import producers, webhooks
        from notifications.producers import register_producer

        register_producer("fix.done", producers.fix_done)
        webhooks.register()
