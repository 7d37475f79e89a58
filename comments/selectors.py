from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from comments.models import StepComment
from journeys.models import Step


def comments_on(step: Step) -> QuerySet[StepComment]:
    return StepComment.objects.filter(step=step).select_related("author")


def earlier_commenter_ids(comment: StepComment) -> set[int]:
    """Who discussed this step before `comment` (and is still on the journey)."""
    earlier = StepComment.objects.filter(step_id=comment.step_id, pk__lt=comment.pk, author__isnull=False)
    authors = set(earlier.values_list("author_id", flat=True))
    on_journey = get_user_model().objects.filter(memberships__journey_id=comment.journey_id, pk__in=authors)
    return set(on_journey.values_list("pk", flat=True))


def mention_candidates(journey_id: int) -> list[dict[str, Any]]:
    """The journey's members as the suggestion list offers them: name and username, by name."""
    members = get_user_model().objects.filter(memberships__journey_id=journey_id, is_active=True)
    rows = members.order_by("first_name", "last_name", "username").values("username", "first_name", "last_name")
    return [
        {"username": row["username"], "name": f"{row['first_name']} {row['last_name']}".strip() or row["username"]}
        for row in rows
    ]
