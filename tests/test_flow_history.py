"""The daily flow figure per journey (kept on change), and what the manager dashboard and its CSV show of it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dashboard.flow_history import flow_day_record, flow_trends, step_line
from dashboard.models import JourneyFlowDay
from journeys import services, undo
from journeys.models import Journey
from journeys.services import RouteFigures
from tests.factories import link, make_department, make_journey, make_manager, make_pain_point, make_step

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def looping():
    """Customer asks, the contact centre answers; a quarter call back. Returns (journey, answer step, loop)."""
    customer, contact = make_department("Customer"), make_department("Contact centre")
    journey = make_journey(title="Verhuizing naar België")
    asks = make_step(journey, "Asks", customer, duration_minutes=10)
    answers = make_step(journey, "Answers", contact, duration_minutes=20)
    done = make_step(journey, "Done", customer, duration_minutes=0)
    link(journey, asks, answers)
    back, onwards = link(journey, answers, asks), link(journey, answers, done)
    services.step_routes_update(
        step=answers,
        actor=journey.created_by,
        routes=[RouteFigures(back.pk, 60, 25), RouteFigures(onwards.pk, 0, 75)],
    )
    return journey, answers, back


def test_a_change_to_the_board_records_todays_figure_of_the_journey(looping, django_capture_on_commit_callbacks):
    journey, answers, back = looping

    with django_capture_on_commit_callbacks(execute=True):
        services.step_update(
            step=answers, actor=journey.created_by, base_version=None, title="Answers", duration_minutes=50
        )

    row = JourneyFlowDay.objects.get(journey=journey, day=timezone.localdate())
    assert row.contacts_per_question == pytest.approx(4 / 3)
    assert row.failure_demand == pytest.approx(0.25)
    assert (row.process_minutes, row.lead_minutes) == (60, 60)


def test_the_last_change_of_the_day_wins_and_a_pain_point_records_nothing(looping, django_capture_on_commit_callbacks):
    journey, answers, back = looping
    with django_capture_on_commit_callbacks(execute=True):
        services.step_routes_update(
            step=answers,
            actor=journey.created_by,
            routes=[RouteFigures(back.pk, 60, 50), RouteFigures(back.pk + 1, 0, 50)],
        )
    before = JourneyFlowDay.objects.get(journey=journey).recorded_at

    with django_capture_on_commit_callbacks(execute=True):
        make_pain_point(answers, [make_department()])

    row = JourneyFlowDay.objects.get(journey=journey)
    assert row.contacts_per_question == pytest.approx(2) and row.recorded_at == before


def test_an_undo_records_the_figure_again(looping, django_capture_on_commit_callbacks):
    journey, answers, back = looping
    with django_capture_on_commit_callbacks(execute=True):
        services.step_routes_update(
            step=answers,
            actor=journey.created_by,
            routes=[RouteFigures(back.pk, 60, 50), RouteFigures(back.pk + 1, 0, 50)],
        )

    with django_capture_on_commit_callbacks(execute=True):
        undo.change_undo(journey=journey, actor=journey.created_by)

    assert JourneyFlowDay.objects.get(journey=journey).contacts_per_question == pytest.approx(4 / 3)


def test_the_command_records_today_for_every_journey(looping):
    other = make_journey(title="Empty")

    call_command("record_flow_figures", stdout=io.StringIO())

    assert set(JourneyFlowDay.objects.values_list("journey_id", flat=True)) == {looping[0].pk, other.pk}
    assert JourneyFlowDay.objects.get(journey=other).contacts_per_question is None


def test_a_trend_starts_from_the_figure_that_held_when_the_period_began(looping):
    journey = looping[0]
    today = timezone.localdate()
    for days_ago, contacts in ((40, 2.0), (20, 1.6), (0, 1.2)):
        JourneyFlowDay.objects.create(journey=journey, day=today - timedelta(days_ago), contacts_per_question=contacts)

    trend = flow_trends(Journey.objects.filter(pk=journey.pk), since=today - timedelta(28))[0]

    assert [row.contacts_per_question for row in trend.days] == [2.0, 1.6, 1.2]
    assert trend.change("contacts_per_question") == pytest.approx(-0.8)
    line = step_line(trend, "contacts_per_question", today=today, width=100, height=20).split()
    assert line[0] == "2.0,2.0" and line[-1] == "98.0,18.0"  # holds 2.0 from the start, ends low at today


def test_the_dashboard_shows_contacts_per_question_and_lead_time_per_journey_and_how_they_moved(looping):
    journey = looping[0]
    flow_day_record(journey=journey)
    JourneyFlowDay.objects.create(
        journey=journey, day=timezone.localdate() - timedelta(30), contacts_per_question=2.0, lead_minutes=300
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_manager())

    html = client.get("/dashboard/").content.decode()

    row = html.split(f'id="flow-{journey.pk}"')[1].split("</tr>")[0]
    assert "1.33" in row and "25%" in row and "▼" in row and "-0.67" in row
    assert "<polyline" in row


def test_the_flow_csv_lists_the_daily_figures_with_the_languages_decimal_mark(looping):
    journey = looping[0]
    flow_day_record(journey=journey)
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(make_manager())

    response = client.get("/dashboard/export/flow.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Klantreis", "Dag", "Contacten per klantvraag", "Faalvraag (%)"]
    assert rows[1][:4] == [journey.title, timezone.localdate().isoformat(), "1,333", "25,0"]


def test_the_flow_card_costs_the_same_queries_whatever_the_number_of_journeys_and_days(looping):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_manager())
    flow_day_record(journey=looping[0])

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/").status_code == 200
        return len(captured)

    few = queries()
    today = timezone.localdate()
    for number in range(5):
        journey = make_journey(title=f"Journey {number}")
        for days_ago in (60, 30, 10, 0):
            JourneyFlowDay.objects.create(journey=journey, day=today - timedelta(days_ago), contacts_per_question=1.5)

    assert queries() == few
