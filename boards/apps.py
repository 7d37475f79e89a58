from django.apps import AppConfig


class BoardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "boards"

    def ready(self) -> None:
        from boards import (
            broadcast,  # pushes to the boards and rings the manager dashboards after every change
            insights,  # noqa: F401  (registers the insights panel's pushed fragments)
            mirror_rendering,  # noqa: F401  (registers the mirror survey page's pushed parts)
            pain_point_rendering,  # noqa: F401  (registers the pain point fragments a change pushes)
        )
        from journeys.changes import journey_changed

        journey_changed.connect(broadcast.on_journey_changed, dispatch_uid="boards.broadcast")
