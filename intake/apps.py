from __future__ import annotations

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"

    def ready(self) -> None:
        from intake import outcomes, rendering  # noqa: F401  (registers the parts an intake change pushes)
        from journeys.changes import journey_changed
        from notifications.producers import register_producer

        register_producer("intake.reported", outcomes.report_received)
        for kind in outcomes.OUTCOME_KINDS:
            register_producer(kind, outcomes.report_outcome_for_colleague)
        journey_changed.connect(outcomes.tell_reporter_by_email, dispatch_uid="intake-tell-reporter")
