"""The mirror survey: how staff think customers score each step, next to what customers actually score.

Staff estimates (and the customer scores) stay hidden until the facilitator reveals them, so nobody anchors on the
others. Every write goes through `journey_change`: it gets a sequence number and the board's panel updates live.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.changes import journey_change
from journeys.models import CustomerScore, Journey, MirrorEstimate, MirrorSurvey, Step
from journeys.permissions import require_facilitator
from journeys.text import capped

MAX_CSV_BYTES = 1_000_000
CSV_COLUMNS = ("step", "score", "responses")
MAX_RESPONSES = 10_000_000  # as the form allows; far past any survey, and within every database's integer
WHOLE_JOURNEY = ("", "*", "journey")  # what a CSV's step column says for the journey as a whole


def survey_for(journey: Journey) -> MirrorSurvey:
    return MirrorSurvey.objects.get_or_create(journey=journey)[0]


# Writes ---------------------------------------------------------------------------------------------------------


def mirror_estimates_give(
    *, journey: Journey, actor: Any, scores: dict[int | None, int | None], op_id: str = ""
) -> None:
    """Set one participant's estimates: step id (None for the journey as a whole) -> 1..10, or None to withdraw."""
    step_ids = {step_id for step_id in scores if step_id is not None}
    if Step.objects.filter(journey=journey, pk__in=step_ids).count() != len(step_ids):
        raise ValidationError(_("That step is not on this journey."))
    if any(score is not None and not 1 <= score <= 10 for score in scores.values()):
        raise ValidationError(_("Give a score from 1 to 10."))
    with journey_change(journey=journey, actor=actor, kind="mirror.estimated", op_id=op_id) as change:
        if survey_for(journey).revealed:
            raise ValidationError(_("The estimates have been revealed: they can no longer change."))
        for step_id, score in scores.items():
            mine = MirrorEstimate.objects.filter(journey=journey, step_id=step_id, participant=actor)
            if score is None:
                mine.delete()
            elif not mine.update(score=score, updated_at=timezone.now()):
                MirrorEstimate.objects.create(journey=journey, step_id=step_id, participant=actor, score=score)
        change.touch(mirror=True)


def customer_score_set(
    *,
    journey: Journey,
    step: Step | None,
    score: Decimal,
    responses: int,
    actor: Any,
    op_id: str = "",
) -> None:
    require_facilitator(journey, actor)
    if step is not None and step.journey_id != journey.pk:
        raise ValidationError(_("That step is not on this journey."))
    problem = _score_problem(score, responses)
    if problem:
        raise ValidationError(problem)
    with journey_change(journey=journey, actor=actor, kind="mirror.customer_scored", op_id=op_id) as change:
        _store_customer_score(journey, step.pk if step else None, score, responses, actor)
        change.touch(mirror=True)


def customer_scores_set(
    *, journey: Journey, scores: list[tuple[int | None, Decimal, int]], actor: Any, op_id: str = ""
) -> int:
    """Several customer scores in one change (the mirror page's table): (step id or None, score, responses) each.
    Any bad row: nothing saved. Returns the rows saved."""
    require_facilitator(journey, actor)
    if not scores:
        raise ValidationError(_("Fill in at least one customer score."))
    step_ids = {step_id for step_id, _score, _responses in scores if step_id is not None}
    if len(step_ids) != Step.objects.filter(journey=journey, pk__in=step_ids).count():
        raise ValidationError(_("That step is not on this journey."))
    problem = next((p for _step, score, responses in scores if (p := _score_problem(score, responses))), "")
    if problem:
        raise ValidationError(problem)
    with journey_change(journey=journey, actor=actor, kind="mirror.customer_scored", op_id=op_id) as change:
        for step_id, score, responses in scores:
            _store_customer_score(journey, step_id, score, responses, actor)
        change.touch(mirror=True)
    return len(scores)


def customer_scores_of(journey: Journey) -> dict[int | None, CustomerScore]:
    """The customer scores entered so far, by step id (None: the journey as a whole)."""
    return {score.step_id: score for score in CustomerScore.objects.filter(journey=journey)}


def _store_customer_score(journey: Journey, step_id: int | None, score: Decimal, responses: int, actor: Any) -> None:
    CustomerScore.objects.update_or_create(
        journey=journey,
        step_id=step_id,
        defaults={"score": score, "responses": responses, "entered_by": actor},
    )


def _score_problem(score: Decimal, responses: int) -> str:
    if not Decimal(1) <= score <= Decimal(10):
        return _("The score must be from 1 to 10.")
    if score != score.quantize(Decimal("0.01")):
        return _("Give the score with at most two decimals.")
    if responses < 1:
        return _("The number of responses must be at least 1.")
    if responses > MAX_RESPONSES:
        return _("The number of responses can be at most %(limit)s.") % {"limit": f"{MAX_RESPONSES:,}"}
    return ""


def customer_scores_import(*, journey: Journey, data: bytes, actor: Any, op_id: str = "") -> int:
    """Import customer scores from CSV (step, score, responses). Any bad row: nothing imported, every row reported.

    The step column holds a step's title or id; empty, "*" or "journey" means the journey as a whole. Comma or
    semicolon separated (Dutch spreadsheets write semicolons), decimal point or comma. Returns the rows imported.
    """
    require_facilitator(journey, actor)
    rows = parse_customer_scores(journey, data)
    with journey_change(journey=journey, actor=actor, kind="mirror.customer_scores_imported", op_id=op_id) as change:
        for step_id, score, responses in rows:
            _store_customer_score(journey, step_id, score, responses, actor)
        change.touch(mirror=True)
    return len(rows)


def parse_customer_scores(journey: Journey, data: bytes) -> list[tuple[int | None, Decimal, int]]:
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(_("The file is too large (at most 1 MB)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.")) from error
    lines = text.splitlines()
    if not lines or [c.strip().lower() for c in _split(lines[0]) or []] != list(CSV_COLUMNS):
        raise ValidationError(_("Line 1: the first line must be the header step,score,responses."))
    steps = _steps_by_key(journey)
    errors, rows, seen = [], [], {}
    for line_number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = _split(line)
        row, problem = _parse_row(cells, steps) if cells is not None else (None, _("This line cannot be read."))
        if not problem and row[0] in seen:
            problem = _("This step is already on line %(line)d.") % {"line": seen[row[0]]}
        if problem:
            errors.append(_("Line %(line)d: %(problem)s") % {"line": line_number, "problem": problem})
        else:
            seen[row[0]] = line_number
            rows.append(row)
    if errors:
        raise ValidationError(capped(errors))
    if not rows:
        raise ValidationError(_("The file has no scores under its header."))
    return rows


def _split(line: str) -> list[str] | None:
    """The cells of one line; None when the csv module cannot read it (a NUL, a cell over 131,072 characters)."""
    delimiter = ";" if line.count(";") > line.count(",") else ","
    try:
        return next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    except csv.Error:
        return None


def _steps_by_key(journey: Journey) -> dict[str, int | None]:
    keys: dict[str, int | None] = dict.fromkeys(WHOLE_JOURNEY)
    for step_id, title in Step.objects.filter(journey=journey).values_list("pk", "title"):
        keys[str(step_id)] = step_id
        keys.setdefault(title.strip().lower(), step_id)
    return keys


def _parse_row(cells: list[str], steps: dict[str, int | None]) -> tuple[Any, str]:
    if len(cells) != len(CSV_COLUMNS):
        return None, _("Expected 3 columns (step, score, responses), found %(count)d.") % {"count": len(cells)}
    key, raw_score, raw_responses = (cell.strip() for cell in cells)
    if key.lower() not in steps:
        return None, _("No step “%(step)s” on this journey.") % {"step": key}
    try:
        score = Decimal(raw_score.replace(",", "."))
        responses = int(raw_responses)
    except (InvalidOperation, ValueError):
        return None, _("Score and responses must be numbers.")
    if not score.is_finite():
        return None, _("Score and responses must be numbers.")
    problem = _score_problem(score, responses)
    return (steps[key.lower()], score, responses), problem


def mirror_reveal(*, journey: Journey, actor: Any, revealed: bool = True, op_id: str = "") -> None:
    """Show (or hide again, for a new round) the staff estimates and customer scores to everyone."""
    require_facilitator(journey, actor)
    with journey_change(journey=journey, actor=actor, kind="mirror.revealed", op_id=op_id) as change:
        survey = survey_for(journey)
        survey.revealed_at = timezone.now() if revealed else None
        survey.save(update_fields=["revealed_at"])
        change.touch(mirror=True)


# Reads ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MirrorRow:
    step: Step | None  # None: the journey as a whole
    staff_mean: float | None
    staff_count: int
    customer_score: Decimal | None
    responses: int | None

    @property
    def gap(self) -> float | None:
        """Positive: staff think customers are happier than they are."""
        if self.staff_mean is None or self.customer_score is None:
            return None
        return round(self.staff_mean - float(self.customer_score), 1)


@dataclass(frozen=True)
class MirrorResults:
    revealed: bool
    estimate_count: int
    estimators: int
    customer_score_count: int
    journey_row: MirrorRow | None  # None until revealed
    step_rows: list[MirrorRow]  # empty until revealed; largest gap first, then steps without a gap


def is_revealed(journey: Journey) -> bool:
    return MirrorSurvey.objects.filter(journey=journey, revealed_at__isnull=False).exists()


def mirror_results(journey: Journey) -> MirrorResults:
    revealed = is_revealed(journey)
    estimates = MirrorEstimate.objects.filter(journey=journey)
    counts = estimates.aggregate(total=Count("id"), people=Count("participant", distinct=True))
    customer_scores = {c.step_id: c for c in CustomerScore.objects.filter(journey=journey)}
    if not revealed:
        return MirrorResults(False, counts["total"], counts["people"], len(customer_scores), None, [])
    staff = {row["step"]: row for row in estimates.values("step").annotate(mean=Avg("score"), n=Count("id"))}

    def row_for(step: Step | None) -> MirrorRow:
        key = step.pk if step else None
        mine, theirs = staff.get(key), customer_scores.get(key)
        return MirrorRow(
            step,
            round(mine["mean"], 1) if mine else None,
            mine["n"] if mine else 0,
            theirs.score if theirs else None,
            theirs.responses if theirs else None,
        )

    rows = [row_for(step) for step in Step.objects.filter(journey=journey).select_related("department")]
    rows.sort(key=lambda row: (row.gap is None, -abs(row.gap or 0)))
    return MirrorResults(True, counts["total"], counts["people"], len(customer_scores), row_for(None), rows)


def revealed_step_scores(journey: Journey) -> dict[int, tuple[float | None, float | None]] | None:
    """Per step: (mean staff estimate, customer score), for the steps with either; None while they are hidden."""
    if not is_revealed(journey):
        return None
    staff = dict(
        MirrorEstimate.objects.filter(journey=journey, step__isnull=False)
        .values("step")
        .annotate(mean=Avg("score"))
        .values_list("step", "mean")
    )
    customers = dict(CustomerScore.objects.filter(journey=journey, step__isnull=False).values_list("step_id", "score"))
    return {
        step: (staff.get(step), float(customers[step]) if step in customers else None)
        for step in staff.keys() | customers.keys()
    }


def estimates_of(journey: Journey, participant: Any) -> dict[int | None, int]:
    return dict(MirrorEstimate.objects.filter(journey=journey, participant=participant).values_list("step_id", "score"))
