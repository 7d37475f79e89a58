"""Every write of the intake: a report comes in (from a colleague or the public form), is accepted onto a step as
a pain point, merged into a known one or dismissed; the facilitator's report settings. All through
`journeys.changes.journey_change`, so each is an event with a sequence number, undone like any other change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import REPORT_MAX_LENGTH, IntakeSettings, Report
from journeys import permissions, services
from journeys.changes import Change, bump_version, check_version, journey_change
from journeys.errors import Conflict, NotAllowed
from journeys.models import Department, Journey, PainPoint, Step
from journeys.text import required_text


def report_submit(
    *,
    journey: Journey,
    text: str,
    step: Step | None,
    reporter: Any = None,
    reporter_name: str = "",
    email: str = "",
    language: str = "en",
    public: bool = False,
    op_id: str = "",
) -> Report:
    """The reporter is not on the journey (that is the point), so the change has no actor: the report names them."""
    too_long = _("Keep it under %(limit)d characters.") % {"limit": REPORT_MAX_LENGTH}
    text = required_text(
        text, "text", _("Say what goes wrong for the customer."), limit=REPORT_MAX_LENGTH, too_long=too_long
    )
    if step is not None and step.journey_id != journey.pk:
        raise ValidationError({"step": _("Choose one of the steps in the list.")})
    with journey_change(journey=journey, actor=None, kind="intake.reported", op_id=op_id) as change:
        if public and not _public_settings(journey, step):
            raise NotAllowed(_("This form is closed."))
        report = Report.objects.create(
            journey=journey,
            step=step,
            text=text,
            reporter=reporter if reporter is not None and reporter.is_authenticated else None,
            reporter_name=reporter_name.strip(),
            email=email.strip(),
            language=language,
            via_public_form=public,
        )
        change.touch(report=report.pk)
    return report


def _public_settings(journey: Journey, step: Step | None) -> bool:
    """The public form is open, and names only a step the facilitator allowed (checked under the journey's lock)."""
    found = IntakeSettings.objects.filter(journey=journey, public_enabled=True).first()
    if found is None:
        return False
    if step is not None and not found.public_steps.filter(pk=step.pk).exists():
        raise ValidationError({"step": _("Choose one of the steps in the list.")})
    return True


def _pending_report(change: Change, report: Report, actor: Any, base_version: int | None) -> Report:
    if not permissions.may_triage_reports(change.journey, actor):
        raise NotAllowed(_("Only the facilitator and journey members who belong to a department triage reports."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != Report.State.PENDING:
        raise Conflict(
            _("Someone already handled this report: it is %(state)s.") % {"state": report.get_state_display()}
        )
    check_version(report, base_version, {"state": report.state})
    change.snapshot(report)
    return report


def _handled(report: Report, actor: Any, state: str, **fields: Any) -> None:
    report.state, report.handled_by, report.handled_at = state, actor, timezone.now()
    for name, value in fields.items():
        setattr(report, name, value)
    bump_version(report)
    report.save()


def report_accept(
    *,
    report: Report,
    actor: Any,
    step: Step,
    text: str,
    severity: str,
    departments: Iterable[Department],
    base_version: int | None,
    op_id: str = "",
) -> PainPoint:
    """The report becomes a pain point on `step`, made by the one pain point write path in the same change."""
    if step.journey_id != report.journey_id:
        raise ValidationError({"step": _("Choose the step.")})

    def mark_accepted(change: Change, pain_point: PainPoint) -> None:
        pending = _pending_report(change, report, actor, base_version)
        _handled(pending, actor, Report.State.ACCEPTED, pain_point=pain_point)
        change.touch(report=pending.pk)

    return services.pain_point_create(
        step=step, actor=actor, text=text, severity=severity, departments=departments, op_id=op_id, along=mark_accepted
    )


def report_merge(
    *, report: Report, actor: Any, pain_point: PainPoint, base_version: int | None, op_id: str = ""
) -> Report:
    if pain_point.journey_id != report.journey_id:
        raise ValidationError({"pain_point": _("Choose a pain point of this journey.")})
    with journey_change(journey=report.journey, actor=actor, kind="intake.merged", op_id=op_id) as change:
        pending = _pending_report(change, report, actor, base_version)
        _handled(pending, actor, Report.State.MERGED, pain_point=pain_point)
        change.touch(report=pending.pk, pain_point=pain_point.pk)
    return pending


def report_dismiss(*, report: Report, actor: Any, reason: str, base_version: int | None, op_id: str = "") -> Report:
    reason = required_text(reason, "reason", _("Give the reason: the reporter reads it."))
    with journey_change(journey=report.journey, actor=actor, kind="intake.dismissed", op_id=op_id) as change:
        pending = _pending_report(change, report, actor, base_version)
        _handled(pending, actor, Report.State.DISMISSED, reason=reason)
        change.touch(report=pending.pk)
    return pending


def intake_settings_update(
    *,
    journey: Journey,
    actor: Any,
    public_enabled: bool,
    public_steps: Iterable[Step],
    renew_links: bool = False,
    op_id: str = "",
) -> IntakeSettings:
    public_steps = list(public_steps)
    if any(step.journey_id != journey.pk for step in public_steps):
        raise ValidationError({"public_steps": _("Choose steps of this journey.")})
    with journey_change(journey=journey, actor=actor, kind="intake.settings_updated", op_id=op_id) as change:
        permissions.require_facilitator(change.journey, actor)
        found, created = IntakeSettings.objects.select_for_update().get_or_create(journey=journey)
        if created:
            change.created(found)
        else:
            change.snapshot(found)
        found.public_enabled = public_enabled
        found.link_generation += 1 if renew_links else 0
        bump_version(found)
        found.save()
        found.public_steps.set(public_steps)
        change.touch(intake_settings=found.pk)
    return found
