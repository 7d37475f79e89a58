"""The demo command: a realistic change-of-address journey that loads once, and again on --reset."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from demo.data import DEMO_PASSWORD, DEMO_TITLE
from journeys.models import Department, Event, Journey, Lane, PainPoint, Step
from journeys.selectors import board_data

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


def test_demo_loads_once_however_often_it_runs():
    load_demo()
    counts = (Journey.objects.count(), Step.objects.count(), PainPoint.objects.count(), Department.objects.count())
    output = load_demo()
    assert "Already there" in output
    assert (Journey.objects.count(), Step.objects.count(), PainPoint.objects.count(), Department.objects.count()) == (
        counts
    )


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
