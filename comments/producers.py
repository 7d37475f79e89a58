"""Who hears of a comment: the members it @mentions (pain point comments and step comments), and, for a step, the
people who discussed it before (pain point comments' own "commented" notifications live in notifications/)."""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse

from comments.mentions import mentioned_members
from comments.models import StepComment
from comments.selectors import earlier_commenter_ids
from journeys.models import Event
from notifications.models import Kind
from notifications.producers import about_pain_point
from notifications.selectors import comment_of_event
from notifications.services import Draft


def mentions_in_pain_point_comment(event: Event) -> list[Draft]:
    comment = comment_of_event(event)
    if comment is None:
        return []
    people = {user.pk for user in mentioned_members(event.journey_id, comment.text)}
    drafts = about_pain_point(comment.pain_point, event, Kind.MENTIONED, people)
    return [replace(draft, text=comment.text) for draft in drafts]


def step_comment(event: Event) -> list[Draft]:
    comment = StepComment.objects.select_related("step").filter(pk=event.targets.get("step_comment") or 0).first()
    if comment is None:
        return []
    mentioned = {user.pk for user in mentioned_members(comment.journey_id, comment.text)}
    url = reverse("step_comments", args=[comment.journey_id, comment.step_id])

    def draft(recipient: int, kind: str) -> Draft:
        common = {"journey_id": comment.journey_id, "step_id": comment.step_id, "text": comment.text, "url": url}
        return Draft(recipient_id=recipient, kind=kind, actor_id=event.actor_id, **common)

    drafts = [draft(pk, Kind.MENTIONED) for pk in sorted(mentioned)]
    return drafts + [draft(pk, Kind.COMMENTED) for pk in sorted(earlier_commenter_ids(comment))]
