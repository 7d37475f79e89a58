"""The report form behind a journey's signed link and the triage queue, over HTTP: who gets which form, what the
public form shows and refuses (honeypot, rate limit), and triage by the facilitator, owners and nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from intake import links, services
from intake.models import Report
from journeys.models import PainPoint
from tests.factories import make_owners_world, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    world = make_owners_world()
    world["hidden"] = make_step(world["journey"], "Policy administration recalculates the premium")
    world["journey"].description = "Internal: the premium system is being replaced"
    world["journey"].save()
    return world


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report_url(world: dict[str, Any]) -> str:
    return reverse("intake_report", args=[links.link_token(world["journey"])])


def open_public_form(world: dict[str, Any]) -> None:
    services.intake_settings_update(
        journey=world["journey"], actor=world["anna"], public_enabled=True, public_steps=[world["step"]]
    )


def test_a_forged_or_old_link_finds_nothing(world):
    assert Client().get("/report/1.0:forged/").status_code == 404
    assert logged_in(world["outsider"]).get(f"/report/{world['journey'].pk}.0:xyz/").status_code == 404


def test_without_the_public_form_the_link_asks_for_a_login(world):
    response = Client().get(report_url(world))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_colleague_off_the_journey_reports_through_the_link(world):
    client = logged_in(world["outsider"])
    page = client.get(report_url(world))
    assert page.status_code == 200
    assert world["step"].title in page.content.decode() and world["hidden"].title in page.content.decode()
    response = client.post(report_url(world), {"text": "Nobody confirms the move", "step": world["hidden"].pk})
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    report = Report.objects.get()
    assert (report.reporter, report.step, report.via_public_form) == (world["outsider"], world["hidden"], False)


def test_the_public_form_shows_the_title_and_allowed_steps_only(world):
    open_public_form(world)
    page = Client().get(report_url(world)).content.decode()
    assert world["journey"].title in page and world["step"].title in page
    assert world["hidden"].title not in page
    assert world["pain_point"].text not in page and "premium system" not in page
    assert "anna" not in page and "Carla" not in page  # nobody on the journey is named
    assert '<meta name="robots" content="noindex, nofollow">' in page  # a link shared publicly stays out of search


def test_the_public_form_refuses_a_step_it_does_not_show(world):
    open_public_form(world)
    response = Client().post(report_url(world), {"text": "Slow", "step": world["hidden"].pk})
    assert response.status_code == 422
    assert not Report.objects.exists()


def test_a_filled_honeypot_is_thanked_and_forgotten(world):
    open_public_form(world)
    response = Client().post(report_url(world), {"text": "Buy pills", "website": "http://spam.example"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert not Report.objects.exists()


def test_the_public_form_is_rate_limited_per_address(world, settings):
    settings.INTAKE_REPORTS_PER_HOUR = 2
    open_public_form(world)
    client = Client()
    for index in range(2):
        assert client.post(report_url(world), {"text": f"Report {index}"}).status_code == 302
    refused = client.post(report_url(world), {"text": "One too many", "email": "a@example.org"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Nothing was saved" in refused.content.decode()
    assert Report.objects.count() == 2
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert other_address.post(report_url(world), {"text": "From elsewhere"}).status_code == 302


def test_the_board_says_how_many_reports_wait(world):
    board = reverse("board", args=[world["journey"].pk])
    assert "reports-waiting" not in logged_in(world["anna"]).get(board).content.decode()
    for text in ("Slow", "Rude"):
        services.report_submit(journey=world["journey"], text=text, step=None, reporter=world["outsider"])
    page = logged_in(world["anna"]).get(board).content.decode()
    assert '>2<span class="visually-hidden"> waiting for triage</span>' in page


def test_the_triage_queue_is_for_the_journey_only(world):
    report = services.report_submit(journey=world["journey"], text="Slow", step=None, reporter=world["outsider"])
    outsider = logged_in(world["outsider"])
    assert outsider.get(reverse("intake_queue", args=[world["journey"].pk])).status_code == 404
    url = reverse("intake_report_triage", args=[world["journey"].pk, report.pk, "dismiss"])
    assert outsider.post(url, {f"r{report.pk}-reason": "No"}).status_code == 404
    report.refresh_from_db()
    assert report.state == Report.State.PENDING


def test_a_member_without_a_department_sees_the_queue_but_cannot_triage(world):
    piet = make_user("piet")
    world["journey"].memberships.create(user=piet)
    report = services.report_submit(journey=world["journey"], text="Slow", step=None, reporter=world["outsider"])
    client = logged_in(piet)
    page = client.get(reverse("intake_queue", args=[world["journey"].pk])).content.decode()
    assert "Slow" in page and "Triage this report" not in page
    url = reverse("intake_report_triage", args=[world["journey"].pk, report.pk, "dismiss"])
    assert client.post(url, {f"r{report.pk}-reason": "No"}).status_code == 403
    report.refresh_from_db()
    assert report.state == Report.State.PENDING


def test_the_facilitator_accepts_a_report_onto_a_step(world):
    report = services.report_submit(
        journey=world["journey"], text="Nobody confirms", step=None, reporter=world["outsider"]
    )
    client = logged_in(world["anna"])
    url = reverse("intake_report_triage", args=[world["journey"].pk, report.pk, "accept"])
    prefix = f"r{report.pk}-"
    fields = {
        prefix + "step": world["hidden"].pk,
        prefix + "text": "Nobody confirms the move",
        prefix + "severity": "high",
    }
    missing = client.post(url, {**fields, prefix + "base_version": report.version})
    assert missing.status_code == 422 and "Name at least one responsible department." in missing.content.decode()
    response = client.post(
        url, {**fields, prefix + "departments": [world["it"].pk], prefix + "base_version": report.version}
    )
    assert response.status_code == 302
    pain_point = PainPoint.objects.get(text="Nobody confirms the move")
    assert (pain_point.step, pain_point.severity) == (world["hidden"], "high")
    page = client.get(reverse("intake_queue", args=[world["journey"].pk])).content.decode()
    assert "0 reports waiting" in page and f"/pain-points/{pain_point.pk}/" in page


def test_only_the_facilitator_sees_and_changes_the_report_settings(world):
    carla = logged_in(world["carla"])
    assert "Report settings" not in carla.get(reverse("intake_queue", args=[world["journey"].pk])).content.decode()
    url = reverse("intake_settings", args=[world["journey"].pk])
    assert carla.post(url, {"public_enabled": "on"}).status_code == 403
    anna = logged_in(world["anna"])
    assert report_url(world) in anna.get(reverse("intake_queue", args=[world["journey"].pk])).content.decode()
    assert anna.post(url, {"public_enabled": "on", "public_steps": [world["step"].pk]}).status_code == 302
    assert Client().get(report_url(world)).status_code == 200
