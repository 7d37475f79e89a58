from __future__ import annotations

from django.apps import AppConfig


class BoardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "boards"

    def ready(self) -> None:
        from boards import (  # noqa: F401  (register the board's parts and its insights panel with live.fragments)
            flow_rendering,
            insights_panel,
            rendering,
        )
