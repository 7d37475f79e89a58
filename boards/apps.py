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
        from live.fanout import register_after_push

        # The insights panel is the one part of the page a change makes the next load analyse again: done here, after
        # the change's push and off its answer, so that load finds it rendered.
        register_after_push(insights_panel.panel_after_change)
