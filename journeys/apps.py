from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from journeys import invites
        from journeys.models import Membership

        # A signal: memberships are removed in the admin's inline; the receiver only remembers who and when.
        post_delete.connect(invites.on_membership_deleted, sender=Membership, dispatch_uid="journeys.former_member")
