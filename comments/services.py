from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from comments.models import StepComment
from journeys.changes import journey_change
from journeys.models import Step
from journeys.text import required_text

MAX_LENGTH = 2000


def step_comment_add(*, step: Step, actor: Any, text: str, op_id: str = "") -> StepComment:
    """A comment on a step: one change (sequence number, event, live to every open drawer and discussion page),
    which its author can undo."""
    too_long = _("Keep the comment under %(limit)d characters.") % {"limit": MAX_LENGTH}
    text = required_text(text, "text", _("Write a comment first."), limit=MAX_LENGTH, too_long=too_long)
    with journey_change(journey=step.journey, actor=actor, kind="step.commented", op_id=op_id) as change:
        comment = StepComment.objects.create(journey=change.journey, step=step, author=actor, text=text)
        change.created(comment)
        change.touch(step=step.pk, step_comment=comment.pk)
    return comment
