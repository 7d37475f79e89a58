"""Live owners' lists ("Pain points for my departments"): a doorbell, not a render.

The socket listens to one group per department its user belongs to (managers: the group of every department).
When a change concerns one of them, boards.broadcast rings it and the page refetches its rows over HTTP with its
own filters, rendered by the same partial as the first page. The heartbeat (see boards.doorbell_live) carries the
user's list marker (see `owner_list_marker`) and re-reads the user's departments, so a department joined or left is
followed.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from boards import broadcast
from boards.doorbell_live import DoorbellConsumer
from journeys import pain_point_selectors


class OwnerListConsumer(DoorbellConsumer):
    doorbell_type = "owner_list.doorbell"

    def groups_to_follow(self, user_id: int) -> set[str] | None:
        """None when the user is gone or deactivated. A fresh user at every beat: the socket outlives a change of
        departments or of the Managers group."""
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return None
        return broadcast.owner_list_groups(pain_point_selectors.departments_watched(user))

    def marker(self, user_id: int) -> str:
        return pain_point_selectors.owner_list_marker(get_user_model().objects.get(pk=user_id))
