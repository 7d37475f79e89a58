"""Who hears of a report: the facilitator that one waits for triage; the reporter what became of it (a colleague
in the app, by their notification settings; someone without an account by one e-mail in the language they wrote
in, when they left an address). Runs after commit, from `journey_changed`."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse

from intake.models import Report
from journeys.models import Event, Membership
from notifications.models import Kind
from notifications.services import Draft, email_to_address

logger = logging.getLogger(__name__)

# The changes that handle a report (a report accepted is a pain point created, in the same change).
OUTCOME_KINDS = ("pain_point.created", "intake.merged", "intake.dismissed")


def _report(event: Event) -> Report | None:
    report_id = event.targets.get("report")
    return Report.objects.select_related("journey").filter(pk=report_id).first() if report_id else None


def report_received(event: Event) -> list[Draft]:
    report = _report(event)
    if report is None:
        return []
    facilitators = Membership.objects.filter(journey_id=report.journey_id, role=Membership.Role.FACILITATOR)
    url = reverse("intake_queue", args=[report.journey_id])
    return [
        Draft(recipient_id=user_id, kind=Kind.REPORT_RECEIVED, journey_id=report.journey_id, text=report.text, url=url)
        for user_id in facilitators.values_list("user_id", flat=True)
    ]


def report_outcome_for_colleague(event: Event) -> list[Draft]:
    report = _report(event)
    if report is None or report.reporter_id is None or report.state == Report.State.PENDING:
        return []
    draft = Draft(
        recipient_id=report.reporter_id,
        kind=Kind.REPORT_OUTCOME,
        actor_id=event.actor_id,
        journey_id=report.journey_id,
        text=report.text[:300],
        detail=report.state,
    )
    return [draft]


def tell_reporter_by_email(sender: Any, event: Event, **kwargs: Any) -> None:
    if event.kind not in OUTCOME_KINDS:
        return
    report = _report(event)
    if report is None or report.reporter_id is not None or not report.email or report.state == Report.State.PENDING:
        return
    context = {"report": report, "journey_title": report.journey.title, "outcome": report.state, "no_account": True}
    email_to_address(to=report.email, template="intake/email/report_outcome", context=context, language=report.language)
