"""Invite links: joining takes a confirmation, the facilitator renews the link, removed members stay out.

A journey has one invite link at a time. Renewing it makes the old one stop working. Someone removed from the
journey (in the admin, say) cannot come back through a link issued before their removal; a renewed link lets them
in again only if the facilitator chooses to send it to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.errors import NotAllowed
from journeys.models import FormerMember, Journey, Membership, new_invite_token
from journeys.permissions import require_facilitator


def invite_issued_at(journey: Journey) -> datetime:
    return journey.invite_renewed_at or journey.created_at


def journey_for_invite(*, invite_token: str) -> Journey | None:
    return Journey.objects.filter(invite_token=invite_token).select_related("created_by").first()


def invite_join(*, journey: Journey, user: Any) -> Membership:
    """Make `user` a participant through the journey's invite link (a member already stays what they are)."""
    with transaction.atomic():
        journey = Journey.objects.select_for_update().get(pk=journey.pk)
        membership = Membership.objects.filter(journey=journey, user=user).first()
        if membership is not None:
            return membership
        removed = FormerMember.objects.filter(journey=journey, user=user, removed_at__gte=invite_issued_at(journey))
        if removed.exists():
            raise NotAllowed(_("You were removed from this journey. Ask the facilitator if you should be on it again."))
        return Membership.objects.create(journey=journey, user=user, joined_through_invite=True)


def invite_renew(*, journey: Journey, actor: Any) -> Journey:
    """A new invite link; the old one stops working. People already on the journey stay."""
    require_facilitator(journey, actor)
    journey.invite_token = new_invite_token()
    journey.invite_renewed_at = timezone.now()
    Journey.objects.filter(pk=journey.pk).update(
        invite_token=journey.invite_token, invite_renewed_at=journey.invite_renewed_at
    )
    return journey


@dataclass(frozen=True)
class Invitee:
    name: str
    joined_at: datetime
    through_current_link: bool


def joined_through_invites(journey: Journey) -> list[Invitee]:
    """Who joined through an invite link, newest first, and whether through the link that works now."""
    issued = invite_issued_at(journey)
    memberships = (
        Membership.objects.filter(journey=journey, joined_through_invite=True)
        .select_related("user")
        .order_by("-joined_at", "-pk")
    )
    return [Invitee(m.user.get_full_name() or m.user.username, m.joined_at, m.joined_at >= issued) for m in memberships]


def on_membership_deleted(sender: Any, instance: Membership, origin: Any = None, **kwargs: Any) -> None:
    """Remember who was removed from a journey when a membership itself is deleted (the admin), not when the journey
    or the user is, whose rows go with them."""
    deleted_from = origin._meta.model if hasattr(origin, "_meta") else getattr(origin, "model", None)
    if deleted_from is not Membership:
        return
    FormerMember.objects.update_or_create(
        journey_id=instance.journey_id, user_id=instance.user_id, defaults={"removed_at": timezone.now()}
    )
