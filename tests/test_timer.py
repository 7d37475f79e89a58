from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from journeys.errors import FacilitatorOnly
from tests.factories import make_workshop
from workshops import services
from workshops.models import WorkshopTimer
from workshops.selectors import timer_state
from workshops.timer import DONE, IDLE, PAUSED, RUNNING
from workshops.timer import timer_state as pure_state

T0 = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def test_pure_state_running_counts_down_to_an_absolute_deadline_and_then_is_done():
    running = pure_state(duration_seconds=300, started_at=T0, remaining_seconds=300, now=T0 + timedelta(seconds=90))
    assert (running.status, running.remaining_seconds, running.deadline) == (RUNNING, 210, T0 + timedelta(seconds=300))
    late = pure_state(duration_seconds=300, started_at=T0, remaining_seconds=300, now=T0 + timedelta(seconds=301))
    assert (late.status, late.remaining_seconds) == (DONE, 0)


def test_pure_state_without_a_start_is_idle_at_full_duration_and_paused_below_it():
    assert pure_state(duration_seconds=300, started_at=None, remaining_seconds=300, now=T0).status == IDLE
    paused = pure_state(duration_seconds=300, started_at=None, remaining_seconds=120.5, now=T0)
    assert (paused.status, paused.remaining_seconds, paused.deadline) == (PAUSED, 120.5, None)


@pytest.mark.django_db
def test_start_pause_resume_and_reset_keep_the_remaining_time():
    journey, facilitator, _people, _points = make_workshop(pain_points=0)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=300, now=T0)
    services.timer_pause(journey=journey, actor=facilitator, now=T0 + timedelta(seconds=100))
    paused = timer_state(journey, now=T0 + timedelta(hours=1))  # a pause does not run down
    assert (paused.status, paused.remaining_seconds) == (PAUSED, 200)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=999, now=T0 + timedelta(seconds=500))
    resumed = timer_state(journey, now=T0 + timedelta(seconds=550))
    assert (resumed.status, resumed.remaining_seconds, resumed.duration_seconds) == (RUNNING, 150, 300)
    assert resumed.deadline == T0 + timedelta(seconds=700)
    services.timer_reset(journey=journey, actor=facilitator, duration_seconds=120)
    reset = timer_state(journey, now=T0 + timedelta(seconds=600))
    assert (reset.status, reset.remaining_seconds, reset.duration_seconds) == (IDLE, 120, 120)


@pytest.mark.django_db
def test_a_finished_timer_starts_again_from_its_full_duration():
    journey, facilitator, _people, _points = make_workshop(pain_points=0)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=60, now=T0)
    assert timer_state(journey, now=T0 + timedelta(seconds=61)).status == DONE
    services.timer_start(journey=journey, actor=facilitator, now=T0 + timedelta(seconds=70))
    assert timer_state(journey, now=T0 + timedelta(seconds=80)).remaining_seconds == 50


@pytest.mark.django_db
def test_refused_timer_actions_change_nothing():
    journey, facilitator, (ann, _bob), _points = make_workshop(pain_points=0)
    with pytest.raises(ValidationError, match="not running"):
        services.timer_pause(journey=journey, actor=facilitator, now=T0)
    with pytest.raises(ValidationError, match="between 10 seconds and 3 hours"):
        services.timer_start(journey=journey, actor=facilitator, duration_seconds=5, now=T0)
    with pytest.raises(FacilitatorOnly):
        services.timer_start(journey=journey, actor=ann, duration_seconds=60, now=T0)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=60, now=T0)
    seq = journey.seq
    with pytest.raises(ValidationError, match="already running"):
        services.timer_start(journey=journey, actor=facilitator, now=T0 + timedelta(seconds=1))
    with pytest.raises(FacilitatorOnly):
        services.timer_pause(journey=journey, actor=ann, now=T0 + timedelta(seconds=1))
    journey.refresh_from_db()
    assert journey.seq == seq
    assert timer_state(journey, now=T0 + timedelta(seconds=10)).remaining_seconds == 50


def timer_attributes(html: str) -> dict[str, str]:
    tag = re.search(r'<div id="workshop-timer"[^>]*>', html).group(0)
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag))


@pytest.mark.django_db
def test_a_reconnecting_browser_gets_the_deadline_and_the_server_time_to_count_from():
    journey, facilitator, (ann, _bob), _points = make_workshop(pain_points=0)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=300)
    # The timer has been running for 100 s when this participant's browser reconnects.
    WorkshopTimer.objects.filter(journey=journey).update(started_at=timezone.now() - timedelta(seconds=100))
    client = Client()
    client.force_login(ann)
    response = client.get(f"/j/{journey.pk}/workshop/state/")
    attrs = timer_attributes(response.content.decode())
    assert attrs["status"] == "running"
    remaining_ms = int(attrs["deadline-ms"]) - int(attrs["server-now-ms"])
    assert 199_000 <= remaining_ms <= 200_000
    assert abs(int(attrs["server-now-ms"]) - timezone.now().timestamp() * 1000) < 5_000


@pytest.mark.django_db
def test_a_reconnecting_browser_sees_a_paused_timer_with_its_remaining_time():
    journey, facilitator, (ann, _bob), _points = make_workshop(pain_points=0)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=300, now=T0)
    services.timer_pause(journey=journey, actor=facilitator, now=T0 + timedelta(seconds=45))
    client = Client()
    client.force_login(ann)
    attrs = timer_attributes(client.get(f"/j/{journey.pk}/workshop/state/").content.decode())
    assert (attrs["status"], attrs["remaining-ms"], attrs["deadline-ms"]) == ("paused", "255000", "")


@pytest.mark.django_db
def test_the_clock_endpoint_gives_the_server_time_in_milliseconds():
    journey, _facilitator, (ann, _bob), _points = make_workshop(pain_points=0)
    client = Client()
    client.force_login(ann)
    now_ms = client.get(f"/j/{journey.pk}/workshop/clock/").json()["now"]
    assert abs(now_ms - timezone.now().timestamp() * 1000) < 5_000
