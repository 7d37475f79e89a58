from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from journeys.models import Department, Journey, Membership
from journeys.permissions import is_manager
from webhooks.models import Attempt, Delivery, Subscription

LOG_LENGTH = 50


def journeys_to_subscribe(user: Any) -> QuerySet[Journey]:
    if is_manager(user):
        return Journey.objects.all()
    return Journey.objects.filter(memberships__user=user, memberships__role=Membership.Role.FACILITATOR)


def departments_to_subscribe(user: Any) -> QuerySet[Department]:
    return Department.objects.all() if is_manager(user) else Department.objects.none()


def subscriptions_managed_by(user: Any) -> QuerySet[Subscription]:
    rows = Subscription.objects.select_related("journey", "department")
    if is_manager(user):
        return rows
    return rows.filter(journey__in=journeys_to_subscribe(user))


def delivery_log(subscription: Subscription) -> list[Delivery]:
    attempts = Prefetch("attempt_log", queryset=Attempt.objects.order_by("at", "id"))
    return list(subscription.deliveries.prefetch_related(attempts).order_by("-created_at", "-id")[:LOG_LENGTH])
