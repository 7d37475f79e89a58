from __future__ import annotations

from django.apps import AppConfig


class LiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "live"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save, pre_save

        from journeys.changes import journey_changed
        from journeys.models import Membership
        from live import account, fanout

        journey_changed.connect(fanout.on_journey_changed, dispatch_uid="live.broadcast")
        # The pushes of a request's changes leave once its answer is out.
        request_started.connect(fanout.on_request_started, dispatch_uid="live.fanout.started")
        request_finished.connect(fanout.on_request_finished, dispatch_uid="live.fanout.finished")
        # Signals, not services: logout is Django's view, and users and memberships also change in the admin (and
        # go with cascades); every one of those paths must close the sockets.
        user_logged_out.connect(account.on_logged_out, dispatch_uid="live.account.logout")
        pre_save.connect(account.on_user_saving, sender=get_user_model(), dispatch_uid="live.account.saving")
        post_save.connect(account.on_user_saved, sender=get_user_model(), dispatch_uid="live.account.saved")
        post_delete.connect(account.on_membership_deleted, sender=Membership, dispatch_uid="live.account.left")
