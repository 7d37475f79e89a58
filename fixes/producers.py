"""A fix is done: the owners of its open pain points on this journey are asked whether they are solved (the owner,
or without one the members of its responsible departments who are on the journey)."""

from __future__ import annotations

from django.urls import reverse

from fixes.models import Fix
from journeys.models import Event, PainPoint
from notifications import selectors
from notifications.models import Kind
from notifications.services import Draft


def fix_done(event: Event) -> list[Draft]:
    fix = Fix.objects.filter(pk=event.targets.get("fix") or 0).first()
    if fix is None:
        return []
    drafts = []
    for pain_point in PainPoint.objects.filter(pk__in=event.targets.get("pain_points", [])):
        people = {pain_point.owner_id} if pain_point.owner_id else selectors.department_owner_ids(pain_point)
        url = reverse("pain_point_page", args=[pain_point.journey_id, pain_point.pk])
        drafts += [
            Draft(
                recipient_id=person,
                kind=Kind.FIX_DONE,
                actor_id=event.targets.get("by"),
                journey_id=pain_point.journey_id,
                pain_point_id=pain_point.pk,
                text=pain_point.text,
                detail=fix.title,
                url=url,
            )
            for person in sorted(people)
        ]
    return drafts
