"""The live bell: a doorbell socket per person (see live.doorbells). When a notification is made for someone,
`services.ring_bells` rings their group and each open page refetches its bell; the heartbeat carries the bell's
marker (unread count and newest notification), so a dropped doorbell or a notification made by a management
command in another process shows within a heartbeat."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from live.doorbells import DoorbellConsumer
from notifications.selectors import bell_for
from notifications.services import BELL_DOORBELL, bell_group


class BellConsumer(DoorbellConsumer):
    doorbell_type = BELL_DOORBELL

    def groups_to_follow(self, user_id: int) -> set[str] | None:
        if not get_user_model().objects.filter(pk=user_id, is_active=True).exists():
            return None
        return {bell_group(user_id)}

    def marker(self, user_id: int) -> str:
        return bell_for(user_id).marker
