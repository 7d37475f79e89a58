from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workshops"
    verbose_name = _("Workshop tools")

    def ready(self) -> None:
        from workshops import fragments  # noqa: F401  (registers the voting, timer, score and focus fragments)
