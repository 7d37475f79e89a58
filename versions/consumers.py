"""Live versions pages (the versions list and a comparison): a doorbell, not a render.

A comparison shows two journeys, and both pages hold forms of their own (CSRF): no push of one journey's socket can
carry them. So every change to any version of a process rings that process's group (`family_groups`, registered in
apps.py), and an open page refetches its body over HTTP as its own user, rendered by the same partial as the first
page. The heartbeat (live.doorbells) carries the family marker (every version's sequence number): a body rendered
under another one refetches, so a dropped doorbell costs a beat, never a stale comparison.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from journeys.models import Event
from journeys.selectors import journeys_for_user
from live.doorbells import DoorbellConsumer
from versions import selectors

DOORBELL = "versions.doorbell"


def family_group(family_id: int) -> str:
    return f"versions-{family_id}"


def family_groups(event: Event) -> set[str]:
    """The versions pages of the process the changed journey is a version of (a journey without versions yet is a
    process of one: its first version, when named or started, is itself)."""
    return {family_group(selectors.family_id(event.journey_id))}


class VersionsConsumer(DoorbellConsumer):
    doorbell_type = DOORBELL
    journey_id: int

    async def connect(self) -> None:
        self.journey_id = int(self.scope["url_route"]["kwargs"]["journey_id"])  # leaving it closes the socket
        await super().connect()

    def groups_to_follow(self, user_id: int) -> set[str] | None:
        """None once the user is no member of the journey (any more): re-read at every beat."""
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None or not journeys_for_user(user).filter(pk=self.journey_id).exists():
            return None
        return {family_group(selectors.family_id(self.journey_id))}

    def marker(self, user_id: int) -> str:
        return selectors.family_marker(self.journey_id)
