"""The demo command: a realistic change-of-address journey that loads once, and again on --reset."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from demo.data import CLAIM_TITLE, DEMO_PASSWORD, DEMO_TITLE
from fixes.models import Fix, FixLink
from intake.models import Report
from intake.selectors import pending_count
from journeys.models import Department, Event, Journey, Lane, PainPoint, Step
from journeys.selectors import board_data
from priorities.models import Score
from priorities.selectors import matrix_items

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only; nothing to protect


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_loads_an_insurers_change_of_address_journey():
    load_demo()
    journey = Journey.objects.get(title=DEMO_TITLE)
    assert Department.objects.filter(lanes__journey=journey).count() == 5
    assert Lane.objects.filter(journey=journey).count() == 5
    assert 10 <= journey.steps.count() <= 14
    assert journey.handoffs.count() >= journey.steps.count() - 1
    statuses = Counter(journey.pain_points.values_list("status", flat=True))
    assert 7 <= sum(statuses.values()) <= 10
    assert set(statuses) == {"open", "in_progress", "solved", "wont_fix"}
    assert set(journey.pain_points.values_list("severity", flat=True)) == {"low", "medium", "high"}
    assert journey.memberships.count() == 5
    assert journey.seq == Event.objects.filter(journey=journey).count() > 0


def test_demo_has_a_repeat_contact_loop_drawn_as_a_back_arrow():
    load_demo()
    journey = Journey.objects.get(title=DEMO_TITLE)
    board = board_data(journey)
    loops = [h for h in board.handoffs if h.pk in board.layout.back_edges]
    assert [(h.from_step.title, h.to_step.title, h.label) for h in loops] == [
        ('Calls: "did you get my change?"', "Agent checks identity and re-keys the address", "customer calls back")
    ]
    assert len(set(board.layout.columns.values())) >= 8  # it reads as a process, not a pile


def test_demo_prints_every_user_with_a_password_that_works():
    output = load_demo()
    assert f"password {DEMO_PASSWORD}" in output
    for username in ("anna", "bram", "carla", "dirk", "eva"):
        assert f"  {username} " in output
        assert authenticate(RequestFactory().post("/login/"), username=username, password=DEMO_PASSWORD) is not None
    assert "anna     Anna de Vries, Contact centre (facilitator)" in output


def test_demo_has_reports_waiting_for_triage_one_from_the_public_form():
    load_demo()
    journey = Journey.objects.get(title=DEMO_TITLE)
    waiting = Report.objects.filter(journey=journey, state=Report.State.PENDING)
    assert 2 <= pending_count(journey) == waiting.count() <= 3
    public = waiting.get(via_public_form=True)
    assert public.reporter is None and public.email and public.step.journey == journey
    assert waiting.filter(via_public_form=False, reporter__isnull=False).exists()
    assert journey.intake_settings.public_enabled
    assert public.step in journey.intake_settings.public_steps.all()
    assert Event.objects.filter(journey=journey, kind="intake.reported").count() == waiting.count()


def test_demo_has_a_shared_fix_in_progress_on_both_journeys():
    load_demo()
    fix = Fix.objects.get()
    assert fix.state == Fix.State.IN_PROGRESS
    assert fix.owner.username == "carla" and fix.target_date is not None
    journeys = set(FixLink.objects.filter(fix=fix).values_list("pain_point__journey__title", flat=True))
    assert journeys == {DEMO_TITLE, CLAIM_TITLE}
    assert Event.objects.filter(kind="fix.linked").count() == fix.links.count() >= 2


def test_demo_value_effort_matrix_places_pain_points_and_the_fix():
    load_demo()
    for title in (DEMO_TITLE, CLAIM_TITLE):
        placed = [item for item in matrix_items(Journey.objects.get(title=title)) if item.placed]
        assert len([item for item in placed if item.kind == "pain_point"]) >= 3
        assert [item.kind for item in placed].count("fix") == 1


def demo_counts() -> tuple[int, ...]:
    return (
        Journey.objects.count(),
        Step.objects.count(),
        PainPoint.objects.count(),
        Department.objects.count(),
        Report.objects.count(),
        Fix.objects.count(),
        FixLink.objects.count(),
        Score.objects.count(),
        Event.objects.count(),
    )


def test_demo_loads_once_however_often_it_runs():
    load_demo()
    counts = demo_counts()
    output = load_demo()
    assert "Already there" in output
    assert demo_counts() == counts


def test_demo_reset_rebuilds_reports_fix_and_scores_without_leftovers():
    load_demo()
    counts = demo_counts()[:-1]  # events: the rebuilt journeys count afresh, nothing else grows
    load_demo("--reset")
    assert demo_counts()[:-1] == counts
    assert Fix.objects.get().links.count() == 3


def test_demo_reset_rebuilds_the_journey_and_keeps_passwords():
    load_demo()
    journey = Journey.objects.get(title=DEMO_TITLE)
    journey.steps.first().delete()
    output = load_demo("--reset")
    assert "Loaded" in output
    rebuilt = Journey.objects.get(title=DEMO_TITLE)
    assert rebuilt.pk != journey.pk
    assert not Step.objects.filter(journey__title=DEMO_TITLE).exclude(journey=rebuilt).exists()
    assert Step.objects.filter(journey=rebuilt).count() == 12
    assert authenticate(RequestFactory().post("/login/"), username="anna", password=DEMO_PASSWORD) is not None
