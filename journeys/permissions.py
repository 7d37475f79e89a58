"""Who may do what: the one place for membership, facilitator, manager and pain point owner rules."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from journeys.errors import FacilitatorOnly
from journeys.models import Journey, Membership, PainPoint

# Members of this group see the manager dashboard and every department's pain points (created by a migration).
MANAGERS_GROUP = "Managers"


def is_member(journey: Journey | int, user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    journey_id = journey if isinstance(journey, int) else journey.pk
    return Membership.objects.filter(journey_id=journey_id, user=user).exists()


def is_facilitator(journey: Journey | int, user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    journey_id = journey if isinstance(journey, int) else journey.pk
    return Membership.objects.filter(journey_id=journey_id, user=user, role=Membership.Role.FACILITATOR).exists()


def require_facilitator(journey: Journey, user: Any) -> None:
    if not is_facilitator(journey, user):
        raise FacilitatorOnly(_("Only the facilitator can do this."))


def is_manager(user: Any) -> bool:
    """Managers see the dashboard and follow pain points of every department and journey (read only off their own
    journeys). Remembered on the user object: one request asks several times."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not hasattr(user, "_is_manager"):
        user._is_manager = user.is_superuser or user.groups.filter(name=MANAGERS_GROUP).exists()
    return user._is_manager


def may_create_departments(user: Any) -> bool:
    """Departments are the organisation's: only an administrator adds one (in the admin, or when importing a file)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser


def in_responsible_department(pain_point: PainPoint, user: Any) -> bool:
    return pain_point.responsible_departments.filter(members=user).exists()


def may_act_on_pain_point(pain_point: PainPoint, user: Any) -> bool:
    """The facilitator of its journey and the members of its responsible departments move a pain point on."""
    return is_facilitator(pain_point.journey_id, user) or in_responsible_department(pain_point, user)


def may_triage_reports(journey: Journey | int, user: Any) -> bool:
    """Reports from outside the workshop are triaged by the facilitator and by the journey's members who belong to a
    department (the owners of pain points)."""
    if is_facilitator(journey, user):
        return True
    return is_member(journey, user) and user.departments.exists()


def may_change_fix(owner_id: int | None, created_by_id: int | None, user: Any) -> bool:
    """A shared fix (fixes/) is changed by its owner, whoever started it, and managers."""
    if user is None or not user.is_authenticated:
        return False
    return user.pk in (owner_id, created_by_id) or is_manager(user)
