"""Reads for notifications: who takes part in a pain point, who owns one, the inbox and the bell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, QuerySet

from journeys.models import Event, Membership, PainPoint, PainPointActivity
from notifications.models import Notification


def journey_member_ids(journey_id: int) -> set[int]:
    return set(Membership.objects.filter(journey_id=journey_id).values_list("user_id", flat=True))


def department_owner_ids(pain_point: PainPoint, department_ids: list[int] | None = None) -> set[int]:
    """Members of the pain point's responsible departments (or of `department_ids`) who are on its journey: the
    people who may pick it up. Anyone off the journey could not open it, so they are not told."""
    if department_ids is None:
        department_ids = list(pain_point.responsible_departments.values_list("pk", flat=True))
    users = get_user_model().objects.filter(
        departments__in=department_ids, memberships__journey_id=pain_point.journey_id, is_active=True
    )
    return set(users.values_list("pk", flat=True))


def pain_point_participant_ids(pain_point: PainPoint) -> set[int]:
    """Who takes part in a pain point: whoever reported it, its owner, and everyone in its timeline."""
    people = set(pain_point.activities.exclude(actor=None).values_list("actor_id", flat=True))
    people |= {pk for pk in (pain_point.created_by_id, pain_point.owner_id) if pk}
    return people & journey_member_ids(pain_point.journey_id)


def comment_of_event(event: Event) -> PainPointActivity | None:
    """The comment a "pain_point.comment" event made: the actor's latest comment on it up to the event. Changes to
    a journey are made one at a time under its lock, so no later comment of theirs can come before this event."""
    comments = PainPointActivity.objects.filter(
        pain_point_id=event.targets.get("pain_point") or 0,
        actor_id=event.actor_id,
        kind=PainPointActivity.Kind.COMMENTED,
        created_at__lte=event.created_at,
    )
    return comments.select_related("pain_point").order_by("-created_at", "-pk").first()


def inbox(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor", "journey", "pain_point", "step")


@dataclass(frozen=True)
class Bell:
    unread: int
    latest: int

    @property
    def marker(self) -> str:
        """What the bell shows: its live socket compares it at every heartbeat and refetches when it moved."""
        return f"{self.unread}:{self.latest}"


def bell_for(user_id: int) -> Bell:
    """One query: every page's header shows it."""
    mine = Notification.objects.filter(recipient_id=user_id)
    figures = mine.aggregate(unread=Count("pk", filter=Q(read_at=None)), latest=Max("pk"))
    return Bell(unread=figures["unread"], latest=figures["latest"] or 0)
