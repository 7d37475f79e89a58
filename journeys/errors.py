"""Why a change was not made. Every write service raises one of these; `web.changes.apply_change` turns each family
into one HTTP status, so a view never maps errors itself. Nothing was saved whenever one is raised."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class ChangeRefused(Exception):
    """Nothing was saved; `str(error)` says why, in the user's language."""


class NotAMember(ChangeRefused):
    """The actor is not on this journey: to them it does not exist (404)."""


class NotAllowed(ChangeRefused, PermissionDenied):
    """A member, but not one who may do this (403)."""


class FacilitatorOnly(NotAllowed):
    """Only the journey's facilitator may do this."""


class Conflict(ChangeRefused):
    """The state moved on since the user looked; nothing was saved (409)."""


class StaleEdit(Conflict):
    """The row changed since the editor loaded it: nothing was saved."""

    def __init__(self, current: Any, attempted: dict[str, Any]) -> None:
        super().__init__(f"{current!r} changed since version was read")
        self.current = current
        self.attempted = attempted


class OperationReused(Conflict):
    """The operation id was applied before, with other content: the new content was not saved (409). A browser sends
    a new id for a new submit, so this only happens when a page reuses an id it should not."""


class TooManyChanges(ChangeRefused):
    """The actor is over a rate limit (429)."""


class ReplayedOperation(Exception):
    """This operation id was applied before: the stored event stands, nothing new happened. Not a refusal."""

    def __init__(self, event: Any) -> None:
        super().__init__(f"operation {event.op_id} already applied as seq {event.seq}")
        self.event = event
