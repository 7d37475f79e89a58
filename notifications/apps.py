from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from journeys.changes import journey_changed
        from notifications import producers
        from notifications.middleware import remember_on_login

        producers.register_pain_point_producers()
        journey_changed.connect(producers.on_journey_changed, dispatch_uid="notifications")
        user_logged_in.connect(remember_on_login, dispatch_uid="notifications-language")
