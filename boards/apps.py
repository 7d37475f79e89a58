from django.apps import AppConfig


class BoardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "boards"

    def ready(self) -> None:
        from boards import pain_point_rendering  # noqa: F401  (registers the pain point fragments a change pushes)
