from __future__ import annotations

from django.db.models import QuerySet

from intake.models import IntakeSettings, Report
from journeys.models import Journey, Step

RECENTLY_HANDLED = 20


def settings_of(journey: Journey) -> IntakeSettings | None:
    return IntakeSettings.objects.filter(journey=journey).first()


def public_form_open(journey: Journey) -> bool:
    return IntakeSettings.objects.filter(journey=journey, public_enabled=True).exists()


def steps_offered(journey: Journey, *, public: bool) -> QuerySet[Step]:
    """Colleagues may name any step; the public form only those the facilitator allowed."""
    steps = Step.objects.filter(journey=journey)
    if public:
        steps = steps.filter(
            pk__in=IntakeSettings.public_steps.through.objects.filter(intakesettings__journey=journey).values("step_id")
        )
    return steps.only("id", "title", "position")


def pending_reports(journey: Journey) -> QuerySet[Report]:
    return Report.objects.filter(journey=journey, state=Report.State.PENDING).select_related("step", "reporter")


def handled_reports(journey: Journey) -> QuerySet[Report]:
    rows = Report.objects.filter(journey=journey).exclude(state=Report.State.PENDING)
    return rows.select_related("step", "reporter", "handled_by", "pain_point").order_by("-handled_at")[
        :RECENTLY_HANDLED
    ]


def pending_count(journey: Journey) -> int:
    return Report.objects.filter(journey=journey, state=Report.State.PENDING).count()
