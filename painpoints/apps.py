from __future__ import annotations

from django.apps import AppConfig


class PainpointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "painpoints"

    def ready(self) -> None:
        from live.broadcast import register_doorbell
        from painpoints import rendering  # noqa: F401  (registers the pain point fragments a change pushes)
        from painpoints.consumers import DOORBELL, owner_list_groups_for

        register_doorbell(DOORBELL, owner_list_groups_for)
