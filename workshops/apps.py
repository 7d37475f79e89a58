from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workshops"
    verbose_name = _("Workshop tools")

    def ready(self) -> None:
        from workshops import (  # noqa: F401  (register the workshop's pushed parts with live.fragments)
            fragments,  # voting, timer, indicator and focus
            mirror_rendering,  # the mirror survey page
        )
