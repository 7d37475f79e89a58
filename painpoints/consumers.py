"""Live owners' lists ("Pain points for my departments"): a doorbell, not a render.

The socket listens to one group per department its user belongs to (managers: the group of every department).
When a change concerns one of them, live.broadcast rings it (see `owner_list_groups_for`, registered in apps.py) and
the page refetches its rows over HTTP with its own filters, rendered by the same partial as the first page. The
heartbeat (see live.doorbells) carries the user's list marker (see `owner_list_marker`) and re-reads the user's
departments, so a department joined or left is followed.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from journeys.models import Event
from live.doorbells import DoorbellConsumer
from painpoints import selectors as pain_point_selectors

DOORBELL = "owner_list.doorbell"
OWNER_LISTS_EVERY_DEPARTMENT = "owner-lists-all"


def owner_list_groups(department_ids: list[int] | None) -> set[str]:
    """The groups an open owners' list listens to: one per department, or the one of every department (managers)."""
    if department_ids is None:
        return {OWNER_LISTS_EVERY_DEPARTMENT}
    return {f"owner-lists-department-{pk}" for pk in department_ids}


def owner_list_groups_for(event: Event) -> set[str]:
    """The open lists of every department the change concerns (before and after it), and the managers' lists."""
    departments = pain_point_selectors.departments_concerned(event)
    return owner_list_groups(sorted(departments)) | owner_list_groups(None) if departments else set()


class OwnerListConsumer(DoorbellConsumer):
    doorbell_type = DOORBELL

    def groups_to_follow(self, user_id: int) -> set[str] | None:
        """None when the user is gone or deactivated. A fresh user at every beat: the socket outlives a change of
        departments or of the Managers group."""
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return None
        return owner_list_groups(pain_point_selectors.departments_watched(user))

    def marker(self, user_id: int) -> str:
        return pain_point_selectors.owner_list_marker(get_user_model().objects.get(pk=user_id))
