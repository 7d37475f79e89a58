from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from comments.models import StepComment
from journeys.changes import journey_change
from journeys.models import Step

MAX_LENGTH = 2000


def step_comment_add(*, step: Step, actor: Any, text: str, op_id: str = "") -> StepComment:
    """A comment on a step: one change (sequence number, event, live to every open drawer and discussion page),
    which its author can undo."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    if len(text) > MAX_LENGTH:
        raise ValidationError({"text": _("Keep the comment under %(limit)d characters.") % {"limit": MAX_LENGTH}})
    with journey_change(journey=step.journey, actor=actor, kind="step.commented", op_id=op_id) as change:
        comment = StepComment.objects.create(journey=change.journey, step=step, author=actor, text=text)
        change.created(comment)
        change.touch(step=step.pk, step_comment=comment.pk)
    return comment
