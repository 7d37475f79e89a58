"""The digest: what it holds (per journey: overdue, open, recently solved; what waited for it), when it goes out
(weekly by default, daily, never), in which language, and that each period's digest goes out once, also when two
senders run at the same moment."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connections
from django.utils import timezone

from notifications.digest import current_period, digests_send
from notifications.models import Delivery, DigestDelivery, Kind, Notification, NotificationPreference
from notifications.services import Draft, notifications_create
from painpoints import services as lifecycle
from tests.factories import make_journey, make_owners_world, make_pain_point, make_step, make_user

ROOT = Path(__file__).resolve().parent.parent
MONDAY = timezone.make_aware(datetime.datetime(2026, 11, 23, 7, 0))


@pytest.fixture
def world(db) -> dict[str, Any]:
    world = make_owners_world()
    for name in ("anna", "carla", "ivo", "dirk", "outsider"):
        world[name].email = f"{name}@example.org"
        world[name].save()
    return world


def digest_to(address: str) -> Any:
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def test_a_weekly_digest_lists_the_departments_pain_points_by_journey(world):
    it = world["it"]
    lifecycle.pain_point_pick_up(pain_point=world["pain_point"], actor=world["carla"], base_version=None)
    lifecycle.pain_point_plan_fix(
        pain_point=world["pain_point"],
        actor=world["carla"],
        fix_description="Show the status",
        target_date=timezone.localdate() + datetime.timedelta(days=1),
        base_version=None,
    )
    solved = make_pain_point(world["step"], [it], "Callback promise not kept")
    lifecycle.pain_point_solve(pain_point=solved, actor=world["ivo"], resolution="Called back", base_version=None)
    make_pain_point(world["step"], [world["finance"]], "Premium change not explained")

    report = digests_send(now=timezone.now() + datetime.timedelta(days=3))
    body = digest_to("ivo@example.org").body
    assert "== I want to report a change of address ==" in body
    assert "The agent cannot see the status of the change" in body
    assert "Recently solved" in body and "Callback promise not kept" in body
    assert "Premium change not explained" not in body  # Finance's, not IT's
    assert "Overdue" in body
    assert report.sent >= 2  # carla and ivo (IT); dirk has Finance's


def test_overdue_pain_points_are_listed_as_overdue(world):
    lifecycle.pain_point_pick_up(pain_point=world["pain_point"], actor=world["carla"], base_version=None)
    from journeys.models import PainPoint

    PainPoint.objects.filter(pk=world["pain_point"].pk).update(target_date=timezone.localdate() - datetime.timedelta(1))
    digests_send()
    body = digest_to("carla@example.org").body
    overdue = body.index("Overdue:")
    assert overdue < body.index("The agent cannot see the status of the change")


def test_a_digest_goes_out_once_per_week_and_again_the_next_week(world):
    first = digests_send(now=MONDAY)
    assert first.sent > 0
    assert digests_send(now=MONDAY + datetime.timedelta(days=2)).claimed == 0
    assert len(mail.outbox) == first.sent
    assert digests_send(now=MONDAY + datetime.timedelta(days=7)).sent == first.sent


def test_daily_means_every_day_and_never_means_never(world):
    NotificationPreference.objects.create(user=world["ivo"], digest="daily")
    NotificationPreference.objects.create(user=world["carla"], digest="off")
    digests_send(now=MONDAY)
    digests_send(now=MONDAY + datetime.timedelta(days=1))
    to = [message.to[0] for message in mail.outbox]
    assert to.count("ivo@example.org") == 2
    assert "carla@example.org" not in to
    assert "daily" in mail.outbox[0].subject or "daily" in mail.outbox[-1].subject


def test_no_digest_without_email_or_with_nothing_to_tell(world):
    NotificationPreference.objects.create(user=world["ivo"], email_enabled=False)
    report = digests_send(now=MONDAY)
    to = [message.to[0] for message in mail.outbox]
    assert "ivo@example.org" not in to
    assert "anna@example.org" not in to  # no department, nothing waiting for her digest
    assert report.empty >= 1


def test_what_waited_for_the_digest_is_in_it_once(world):
    notifications_create(
        drafts=[Draft(recipient_id=world["dirk"].pk, kind=Kind.COMMENTED, actor_id=world["ivo"].pk, text="On it")]
    )
    assert Notification.objects.get().delivery == Delivery.DIGEST
    digests_send(now=MONDAY)
    body = digest_to("dirk@example.org").body
    assert "Since your last digest" in body and "On it" in body
    assert Notification.objects.get().delivered_at is not None
    mail.outbox.clear()
    digests_send(now=MONDAY + datetime.timedelta(days=7))
    assert not [m for m in mail.outbox if m.to == ["dirk@example.org"]]  # nothing left: no digest for Finance's Dirk


def test_the_digest_is_in_the_persons_language_with_html_and_an_unsubscribe_link(world):
    NotificationPreference.objects.create(user=world["ivo"], language="nl")
    digests_send(now=MONDAY)
    message = digest_to("ivo@example.org")
    assert message.subject == "Je wekelijkse overzicht van pijnpunten"
    html = message.alternatives[0][0]
    assert '<html lang="nl">' in html and "/unsubscribe/" in html and "/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_periods_are_iso_weeks_and_days_in_the_sites_time_zone():
    sunday_night = timezone.make_aware(datetime.datetime(2026, 11, 29, 23, 30))
    assert current_period("weekly", sunday_night).key == "week:2026-W48"
    assert current_period("weekly", sunday_night + datetime.timedelta(hours=1)).key == "week:2026-W49"
    assert current_period("daily", sunday_night).key == "day:2026-11-29"


# Two senders at once ------------------------------------------------------------------------------------------------


def many_people(count: int) -> list[Any]:
    facilitator = make_user(email="facilitator@example.org")
    people = [make_user(email=f"person{index}@example.org") for index in range(count)]
    journey = make_journey(facilitator=facilitator, members=people)
    from tests.factories import make_department

    department = make_department()
    for person in people:
        department.members.add(person)
    make_pain_point(make_step(journey, department=department), [department], "Nobody says what happens next")
    return people


@pytest.mark.django_db(transaction=True)
def test_two_senders_in_threads_at_the_same_moment_send_each_digest_once():
    people = many_people(40)
    start = threading.Barrier(2)
    reports = []

    def sender() -> None:
        try:
            start.wait()
            reports.append(digests_send(now=MONDAY))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    to = sorted(message.to[0] for message in mail.outbox)
    assert to == sorted(person.email for person in people)
    assert sum(report.claimed for report in reports) == DigestDelivery.objects.count() == 41  # + the facilitator


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_two_send_digests_commands_started_together_send_each_digest_once(tmp_path):
    people = many_people(60)
    env = {
        **os.environ,
        "SQLITE_PATH": str(settings.DATABASES["default"]["NAME"]),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    command = [sys.executable, "manage.py", "send_digests"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    sent = "".join(path.read_text() for path in tmp_path.iterdir())
    recipients = sorted(line.removeprefix("To: ") for line in sent.splitlines() if line.startswith("To: "))
    assert recipients == sorted(person.email for person in people)
    assert DigestDelivery.objects.count() == 61
