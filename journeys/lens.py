"""The customer lens: a short set of questions asked of every step, answered in a note per question.

Writes go through `journey_change` like every other change, so answers get a sequence number and reach every board.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from journeys.changes import journey_change
from journeys.errors import StaleEdit
from journeys.models import Journey, LensAnswer, LensQuestion, Step

MAX_NOTE_LENGTH = 2000


def lens_questions() -> QuerySet[LensQuestion]:
    return LensQuestion.objects.filter(active=True)


def lens_for_step(step: Step) -> list[tuple[LensQuestion, LensAnswer | None]]:
    answers = {answer.question_id: answer for answer in step.lens_answers.select_related("author")}
    return [(question, answers.get(question.pk)) for question in lens_questions()]


def steps_with_unanswered_questions(journey: Journey) -> list[int]:
    """Ids of the steps, in process order, where at least one active lens question has no note yet."""
    question_count = lens_questions().count()
    if not question_count:
        return []
    steps = (
        Step.objects.filter(journey=journey)
        .annotate(answered=Count("lens_answers", filter=Q(lens_answers__question__active=True)))
        .filter(answered__lt=question_count)
    )
    return list(steps.values_list("pk", flat=True))


def lens_answer_save(
    *,
    step: Step,
    question: LensQuestion,
    note: str,
    actor: Any,
    base_version: int | None = None,
    op_id: str = "",
) -> LensAnswer | None:
    """Answer one lens question for one step; an empty note makes it unanswered again.

    `base_version` is the version of the answer the editor saw, 0 when there was none yet.
    """
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError({"note": _("Keep the note under %(limit)d characters.") % {"limit": MAX_NOTE_LENGTH}})
    if not question.active:
        raise ValidationError(_("That question is no longer asked."))
    with journey_change(journey=step.journey, actor=actor, kind="lens.answered", op_id=op_id) as change:
        current = LensAnswer.objects.select_for_update().filter(step=step, question=question).first()
        seen = current.version if current else 0
        if base_version is not None and base_version != seen:
            raise StaleEdit(current or LensAnswer(step=step, question=question, note="", version=0), {"note": note})
        change.touch(lens=step.pk, lens_question=question.pk)
        if not note:
            if current:
                current.delete()
            return None
        if current is None:
            return LensAnswer.objects.create(step=step, question=question, note=note, author=actor)
        current.note, current.author = note, actor
        current.version += 1
        current.save()
        return current
