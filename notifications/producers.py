"""Which changes tell whom: each event kind has producers that turn the committed change into notification drafts.

Feature apps register their own (`register_producer("step.commented", ...)`) in their AppConfig.ready(). The
listener runs after commit, like every listener of `journey_changed`: a failure here is logged, never raised into
the request that made the change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.urls import reverse

from journeys.models import Event, PainPoint
from notifications import selectors
from notifications.models import Kind
from notifications.services import Draft, notifications_create

logger = logging.getLogger(__name__)

Producer = Callable[[Event], list[Draft]]
PRODUCERS: dict[str, list[Producer]] = {}


def register_producer(event_kind: str, producer: Producer) -> None:
    producers = PRODUCERS.setdefault(event_kind, [])
    if producer not in producers:
        producers.append(producer)


def on_journey_changed(sender: Any, event: Event, **kwargs: Any) -> None:
    try:
        drafts = [draft for producer in PRODUCERS.get(event.kind, []) for draft in producer(event)]
        if drafts:
            notifications_create(drafts=drafts)
    except Exception:
        logger.exception("Could not make the notifications of event %s", event.pk)


def pain_point_url(pain_point: PainPoint) -> str:
    return reverse("pain_point_page", args=[pain_point.journey_id, pain_point.pk])


def about_pain_point(pain_point: PainPoint, event: Event, kind: str, recipients: set[int], **extra: Any) -> list[Draft]:
    return [
        Draft(
            recipient_id=recipient,
            kind=kind,
            actor_id=event.actor_id,
            journey_id=pain_point.journey_id,
            pain_point_id=pain_point.pk,
            step_id=pain_point.step_id,
            text=pain_point.text,
            url=pain_point_url(pain_point),
            **extra,
        )
        for recipient in sorted(recipients)
    ]


def _pain_point(event: Event) -> PainPoint | None:
    return PainPoint.objects.filter(pk=event.targets.get("pain_point") or 0).first()


def tagged(event: Event) -> list[Draft]:
    """Created, or re-tagged: the members of each department it newly names (the undo record holds the old tags)."""
    pain_point = _pain_point(event)
    if pain_point is None:
        return []
    before = {
        department
        for image in event.undo.get("restore", [])
        if image.get("model") == "journeys.painpoint" and image.get("pk") == pain_point.pk
        for department in image["fields"].get("responsible_departments", [])
    }
    now = set(pain_point.responsible_departments.values_list("pk", flat=True))
    added = sorted(now - before)
    if not added:
        return []
    return about_pain_point(pain_point, event, Kind.TAGGED, selectors.department_owner_ids(pain_point, added))


def handed_over(event: Event) -> list[Draft]:
    pain_point = _pain_point(event)
    if pain_point is None or pain_point.owner_id is None:
        return []
    return about_pain_point(pain_point, event, Kind.HANDED_OVER, {pain_point.owner_id})


def solved(event: Event) -> list[Draft]:
    pain_point = _pain_point(event)
    if pain_point is None:
        return []
    return about_pain_point(pain_point, event, Kind.SOLVED, selectors.pain_point_participant_ids(pain_point))


def commented(event: Event) -> list[Draft]:
    comment = selectors.comment_of_event(event)
    if comment is None:
        return []
    pain_point = comment.pain_point
    people = selectors.pain_point_participant_ids(pain_point)
    drafts = about_pain_point(pain_point, event, Kind.COMMENTED, people)
    return [replace(draft, text=comment.text) for draft in drafts]


def register_pain_point_producers() -> None:
    register_producer("pain_point.created", tagged)
    register_producer("pain_point.updated", tagged)
    register_producer("pain_point.hand_over", handed_over)
    register_producer("pain_point.solve", solved)
    register_producer("pain_point.comment", commented)
