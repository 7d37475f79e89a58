"""Reports from outside the workshop: a colleague's or the public's report waits in the journey's triage queue; the
facilitator or an owner accepts it onto a step (a pain point made by the one write path), merges it into a known
pain point or dismisses it with a reason, and the reporter hears what became of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from intake import links, services
from intake.models import Report
from journeys import undo
from journeys.errors import Conflict, FacilitatorOnly, NotAllowed, NotAMember
from journeys.models import Event, PainPoint
from notifications import services as notify
from notifications.models import EmailOptOut, Kind, Notification
from tests.factories import make_journey, make_owners_world, make_pain_point, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return make_owners_world()


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def colleague_report(world: dict[str, Any], text: str = "Customers call twice: nobody confirms the move") -> Report:
    return services.report_submit(journey=world["journey"], text=text, step=world["step"], reporter=world["outsider"])


def public_report(world: dict[str, Any], **fields: Any) -> Report:
    services.intake_settings_update(
        journey=world["journey"], actor=world["anna"], public_enabled=True, public_steps=[world["step"]]
    )
    fields = {"text": "The letter went to my old address", "step": world["step"], **fields}
    return services.report_submit(journey=world["journey"], public=True, **fields)


# Reports come in ------------------------------------------------------------------------------------------------


def test_a_colleague_off_the_journey_reports_and_the_facilitator_hears_of_it(world, committed):
    report = committed(lambda: colleague_report(world))
    assert report.state == Report.State.PENDING and report.reporter == world["outsider"]
    event = Event.objects.get(journey=world["journey"], kind="intake.reported")
    assert event.targets == {"report": report.pk} and event.actor is None
    assert told(Kind.REPORT_RECEIVED) == {"anna"}


def test_the_public_form_is_closed_until_the_facilitator_opens_it(world):
    with pytest.raises(NotAllowed):
        services.report_submit(journey=world["journey"], text="Slow", step=None, public=True)
    assert not Report.objects.exists()


def test_the_public_form_names_only_steps_the_facilitator_allowed(world):
    hidden = make_step(world["journey"], "Policy administration recalculates the premium")
    with pytest.raises(ValidationError) as refused:
        public_report(world, step=hidden)
    assert "step" in refused.value.message_dict
    assert not Report.objects.exists()


def test_a_report_needs_words_and_a_step_of_its_own_journey(world):
    other_step = make_step(make_journey(), "Elsewhere")
    with pytest.raises(ValidationError):
        services.report_submit(journey=world["journey"], text="   ", step=None, reporter=world["outsider"])
    with pytest.raises(ValidationError):
        services.report_submit(journey=world["journey"], text="Slow", step=other_step, reporter=world["outsider"])
    assert not Report.objects.exists()


def test_only_the_facilitator_changes_the_report_settings(world):
    with pytest.raises(FacilitatorOnly):
        services.intake_settings_update(
            journey=world["journey"], actor=world["carla"], public_enabled=True, public_steps=[]
        )
    with pytest.raises(NotAMember):
        services.intake_settings_update(
            journey=world["journey"], actor=world["outsider"], public_enabled=True, public_steps=[]
        )


def test_new_links_stop_the_old_ones(world):
    old = links.link_token(world["journey"])
    assert links.journey_of_token(old) == world["journey"]
    services.intake_settings_update(
        journey=world["journey"], actor=world["anna"], public_enabled=False, public_steps=[], renew_links=True
    )
    assert links.journey_of_token(old) is None
    assert links.journey_of_token(links.link_token(world["journey"])) == world["journey"]
    assert links.journey_of_token(f"{world['journey'].pk}.0:forged") is None


# Triage ---------------------------------------------------------------------------------------------------------


def test_accepting_makes_a_pain_point_on_the_step_in_one_change_and_tells_owners_and_reporter(world, committed):
    report = colleague_report(world)
    pain_point = committed(
        lambda: services.report_accept(
            report=report,
            actor=world["anna"],
            step=world["step"],
            text="Nobody confirms the move",
            severity="high",
            departments=[world["it"]],
            base_version=report.version,
        )
    )
    report.refresh_from_db()
    assert (
        report.state == Report.State.ACCEPTED and report.pain_point == pain_point and report.handled_by == world["anna"]
    )
    assert (pain_point.step, pain_point.severity) == (world["step"], "high")
    assert list(pain_point.responsible_departments.all()) == [world["it"]]
    event = Event.objects.get(journey=world["journey"], kind="pain_point.created", targets__report=report.pk)
    assert event.targets["pain_point"] == pain_point.pk
    assert told(Kind.TAGGED) == {"carla", "ivo"}
    assert told(Kind.REPORT_OUTCOME) == {"outsider"}
    assert Notification.objects.get(kind=Kind.REPORT_OUTCOME).detail == "accepted"


def test_an_owner_of_a_department_on_the_journey_may_triage_a_member_without_one_may_not(world):
    no_department = make_user("piet")
    world["journey"].memberships.create(user=no_department)
    report = colleague_report(world)
    with pytest.raises(NotAllowed):
        services.report_dismiss(report=report, actor=no_department, reason="Not ours", base_version=None)
    with pytest.raises(NotAllowed):
        services.report_accept(
            report=report, actor=no_department, step=world["step"], text="x", severity="low",
            departments=[world["it"]], base_version=None,
        )  # fmt: skip
    assert PainPoint.objects.count() == 1  # the world's own
    services.report_dismiss(report=report, actor=world["dirk"], reason="Not ours", base_version=None)
    report.refresh_from_db()
    assert report.state == Report.State.DISMISSED


def test_someone_off_the_journey_cannot_triage(world):
    report = colleague_report(world)
    with pytest.raises(NotAMember):
        services.report_dismiss(report=report, actor=world["outsider"], reason="No", base_version=None)


def test_a_report_is_handled_once(world):
    report = colleague_report(world)
    services.report_merge(report=report, actor=world["carla"], pain_point=world["pain_point"], base_version=1)
    with pytest.raises(Conflict):
        services.report_dismiss(report=report, actor=world["ivo"], reason="Dup", base_version=1)
    with pytest.raises(Conflict):
        services.report_accept(
            report=report, actor=world["ivo"], step=world["step"], text="again", severity="low",
            departments=[world["it"]], base_version=None,
        )  # fmt: skip
    assert PainPoint.objects.count() == 1
    report.refresh_from_db()
    assert (report.state, report.pain_point) == (Report.State.MERGED, world["pain_point"])


def test_merging_names_a_pain_point_of_the_same_journey(world):
    elsewhere = make_pain_point(make_step(make_journey(), "Elsewhere"), [world["it"]])
    report = colleague_report(world)
    with pytest.raises(ValidationError):
        services.report_merge(report=report, actor=world["anna"], pain_point=elsewhere, base_version=None)
    report.refresh_from_db()
    assert report.state == Report.State.PENDING


def test_dismissing_needs_a_reason(world):
    report = colleague_report(world)
    with pytest.raises(ValidationError):
        services.report_dismiss(report=report, actor=world["anna"], reason="  ", base_version=None)
    report.refresh_from_db()
    assert report.state == Report.State.PENDING


def test_undoing_an_accept_takes_the_pain_point_away_and_the_report_waits_again(world):
    report = colleague_report(world)
    pain_point = services.report_accept(
        report=report, actor=world["anna"], step=world["step"], text="Nobody confirms", severity="low",
        departments=[world["it"]], base_version=None,
    )  # fmt: skip
    undo.change_undo(journey=world["journey"], actor=world["anna"])
    assert not PainPoint.objects.filter(pk=pain_point.pk).exists()
    report.refresh_from_db()
    assert report.state == Report.State.PENDING and report.pain_point is None


# The reporter without an account hears by e-mail, in their language -----------------------------------------------


def test_a_public_reporter_is_told_the_dismissal_by_email_in_dutch_with_the_reason(world, committed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = public_report(world, email="klant@example.org", language="nl")
    committed(
        lambda: services.report_dismiss(
            report=report, actor=world["anna"], reason="Dat regelt de post", base_version=None
        )
    )
    assert notify.outbox_send().sent == 1
    message = mail.outbox[0]
    assert message.to == ["klant@example.org"]
    assert world["journey"].title in message.subject and message.subject.startswith("Je signaal")
    assert "Het is niet overgenomen. De reden:" in message.body and "Dat regelt de post" in message.body
    assert "/unsubscribe/" in message.body
    html = message.alternatives[0][0]
    assert "Dat regelt de post" in html and 'lang="nl"' in html
    assert "List-Unsubscribe" in message.extra_headers


def test_an_accepted_public_report_is_told_in_english_and_an_opted_out_address_hears_nothing(
    world, committed, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    first = public_report(world, email="client@example.org", language="en")
    second = services.report_submit(
        journey=world["journey"], text="Same", step=None, public=True, email="quiet@example.org"
    )
    EmailOptOut.objects.create(address="quiet@example.org")
    for report in (first, second):
        committed(lambda report=report: services.report_merge(
            report=report, actor=world["anna"], pain_point=world["pain_point"], base_version=None
        ))  # fmt: skip
    notify.outbox_send()
    assert [message.to for message in mail.outbox] == [["client@example.org"]]
    assert "It was already known" in mail.outbox[0].body


def test_a_report_without_an_address_tells_nobody_by_email(world, committed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = public_report(world)
    committed(lambda: services.report_dismiss(report=report, actor=world["anna"], reason="No", base_version=None))
    notify.outbox_send()
    assert mail.outbox == []
