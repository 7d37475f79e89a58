from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VersionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "versions"
    verbose_name = _("Current and future state")

    def ready(self) -> None:
        from live.broadcast import register_doorbell
        from versions import rendering  # noqa: F401  (registers the board's version bar with live.fragments)
        from versions.consumers import DOORBELL, family_groups

        register_doorbell(DOORBELL, family_groups)
