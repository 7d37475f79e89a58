from __future__ import annotations

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"

    def ready(self) -> None:
        from comments import producers, rendering  # noqa: F401  (rendering registers the pushed comments list)
        from notifications.producers import register_producer

        register_producer("pain_point.comment", producers.mentions_in_pain_point_comment)
        register_producer("step.commented", producers.step_comment)
