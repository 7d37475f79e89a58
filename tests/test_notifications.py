"""Notifications: who hears of which change, how (inbox, e-mail at once, digest, not at all), the e-mails
themselves (language, links, unsubscribe), the outbox, target dates, the bell and the settings page."""

from __future__ import annotations

import datetime
import socket
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from journeys import services
from notifications import services as notify
from notifications.due_dates import due_dates_check
from notifications.emails import read_unsubscribe_token, unsubscribe_token
from notifications.models import Delivery, Kind, Notification, NotificationPreference, OutgoingEmail
from notifications.preferences import preferences_of
from painpoints import services as lifecycle
from tests.factories import PASSWORD, make_owners_world, make_pain_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    world = make_owners_world()
    for name in ("anna", "carla", "ivo", "dirk", "outsider"):
        world[name].email = f"{name}@example.org"
        world[name].save()
    return world


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the after-commit listeners (the notifications are made there), as in a real request."""

    def run(change: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def kinds_of(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def choose(user: Any, **deliveries: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"deliveries": deliveries})


# Who hears of what ------------------------------------------------------------------------------------------------


def test_a_new_pain_point_tells_its_departments_members_on_the_journey_but_not_its_author_or_outsiders(
    world, committed
):
    committed(lambda: make_pain_point(world["step"], [world["it"]], "Typos in the address", actor=world["carla"]))
    assert kinds_of(world["ivo"]) == [Kind.TAGGED]
    assert kinds_of(world["carla"]) == []  # her own doing
    assert kinds_of(world["outsider"]) == []  # IT, but not on the journey: could not open it
    assert kinds_of(world["dirk"]) == []  # Finance


def test_re_tagging_tells_only_the_department_newly_named(world, committed):
    pain_point = world["pain_point"]  # IT
    committed(
        lambda: services.pain_point_update(
            pain_point=pain_point,
            actor=world["anna"],
            base_version=None,
            text=pain_point.text,
            severity="high",
            departments=[world["it"], world["finance"]],
        )
    )
    assert kinds_of(world["dirk"]) == [Kind.TAGGED]
    assert kinds_of(world["ivo"]) == [] and kinds_of(world["carla"]) == []


def test_handing_over_tells_the_new_owner_with_a_link_to_the_pain_point(world, committed):
    pain_point = world["pain_point"]
    committed(
        lambda: lifecycle.pain_point_hand_over(
            pain_point=pain_point, actor=world["carla"], to_user_id=world["ivo"].pk, base_version=None
        )
    )
    notification = Notification.objects.get(recipient=world["ivo"])
    assert notification.kind == Kind.HANDED_OVER
    assert notification.actor == world["carla"]
    assert notification.url == reverse("pain_point_page", args=[pain_point.journey_id, pain_point.pk])
    assert notification.text == pain_point.text


def test_a_comment_tells_everyone_who_takes_part_except_the_commenter(world, committed):
    pain_point = world["pain_point"]  # reported by anna
    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=None)
    lifecycle.pain_point_comment(pain_point=pain_point, actor=world["dirk"], text="Finance sees this too")
    committed(lambda: lifecycle.pain_point_comment(pain_point=pain_point, actor=world["ivo"], text="On it"))
    told = set(Notification.objects.filter(kind=Kind.COMMENTED).values_list("recipient__username", flat=True))
    assert told == {"anna", "carla", "dirk"}


def test_solving_tells_those_who_take_part(world, committed):
    pain_point = world["pain_point"]
    lifecycle.pain_point_comment(pain_point=pain_point, actor=world["dirk"], text="Customers call about it")
    committed(
        lambda: lifecycle.pain_point_solve(
            pain_point=pain_point, actor=world["carla"], resolution="Shown now", base_version=None
        )
    )
    told = set(Notification.objects.filter(kind=Kind.SOLVED).values_list("recipient__username", flat=True))
    assert told == {"anna", "dirk"}


def test_a_refused_change_tells_nobody(world, committed):
    with pytest.raises(lifecycle.PainPointRefused):
        committed(
            lambda: lifecycle.pain_point_hand_over(
                pain_point=world["pain_point"], actor=world["dirk"], to_user_id=world["ivo"].pk, base_version=None
            )
        )
    assert Notification.objects.count() == 0


# How: preferences ---------------------------------------------------------------------------------------------------


def hand_over_to_ivo(world: dict[str, Any], committed: Any) -> None:
    committed(
        lambda: lifecycle.pain_point_hand_over(
            pain_point=world["pain_point"], actor=world["carla"], to_user_id=world["ivo"].pk, base_version=None
        )
    )


def test_off_means_not_even_in_the_inbox(world, committed):
    choose(world["ivo"], handed_over=Delivery.OFF)
    hand_over_to_ivo(world, committed)
    assert kinds_of(world["ivo"]) == []


def test_in_the_app_only_queues_no_email(world, committed):
    choose(world["ivo"], handed_over=Delivery.APP)
    hand_over_to_ivo(world, committed)
    assert kinds_of(world["ivo"]) == [Kind.HANDED_OVER]
    assert OutgoingEmail.objects.count() == 0


def test_email_at_once_is_queued_and_the_sender_delivers_it_once(world, committed):
    hand_over_to_ivo(world, committed)  # handed over: e-mail at once by default
    assert OutgoingEmail.objects.filter(to="ivo@example.org").count() == 1
    assert notify.outbox_send().sent == 1
    assert notify.outbox_send().sent == 0
    assert [message.to for message in mail.outbox] == [["ivo@example.org"]]


def test_nobody_gets_email_after_unsubscribing_but_the_inbox_still_fills(world, committed):
    NotificationPreference.objects.create(user=world["ivo"], email_enabled=False)
    hand_over_to_ivo(world, committed)
    assert kinds_of(world["ivo"]) == [Kind.HANDED_OVER]
    assert OutgoingEmail.objects.count() == 0


def test_people_without_an_address_get_no_email(world, committed):
    world["ivo"].email = ""
    world["ivo"].save()
    hand_over_to_ivo(world, committed)
    assert kinds_of(world["ivo"]) == [Kind.HANDED_OVER] and OutgoingEmail.objects.count() == 0


# The e-mails ------------------------------------------------------------------------------------------------------


@override_settings(SITE_URL="https://board.example.org")
def test_the_email_is_in_the_persons_language_with_text_html_a_link_and_an_unsubscribe_link(world, committed):
    NotificationPreference.objects.create(user=world["ivo"], language="nl")
    hand_over_to_ivo(world, committed)
    notify.outbox_send()
    [message] = mail.outbox
    link = f"https://board.example.org/j/{world['journey'].pk}/pain-points/{world['pain_point'].pk}/"
    assert "heeft een pijnpunt aan je overgedragen" in message.subject
    assert "Carla Bakker heeft een pijnpunt aan je overgedragen" in message.body
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and link in html and '<html lang="nl">' in html
    # The link signs Ivo's id with the time it was made (a second later here than in the e-mail, on a busy machine).
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    prefix = "https://board.example.org" + reverse("notifications_unsubscribe", args=["TOKEN"]).split("TOKEN")[0]
    assert unsubscribe.startswith(prefix)
    assert read_unsubscribe_token(unsubscribe[len(prefix) :].strip("/")) == {"u": world["ivo"].pk}
    assert unsubscribe in message.body and unsubscribe in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_email_is_english_for_someone_who_uses_the_site_in_english(world, committed):
    hand_over_to_ivo(world, committed)
    notify.outbox_send()
    assert mail.outbox[0].subject.startswith("Carla Bakker handed a pain point over to you")


def test_the_language_of_the_emails_is_the_one_someone_logs_in_with_or_switches_to(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.post(reverse("login"), {"username": "ivo", "password": PASSWORD})
    assert preferences_of(world["ivo"]).language == "nl"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert preferences_of(world["ivo"]).language == "en"


def test_a_language_chosen_for_email_wins_over_the_language_of_the_site(world):
    NotificationPreference.objects.create(user=world["ivo"], language="en", email_language="nl")
    Client(HTTP_ACCEPT_LANGUAGE="en").post(reverse("login"), {"username": "ivo", "password": PASSWORD})
    assert preferences_of(world["ivo"]).language == "nl"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: connecting there is refused


def test_an_unreachable_mail_server_keeps_the_email_for_the_next_run(world, committed):
    hand_over_to_ivo(world, committed)
    smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1"}
    with override_settings(**smtp, EMAIL_PORT=closed_port(), EMAIL_USE_TLS=False, EMAIL_TIMEOUT=2):
        report = notify.outbox_send()
    assert (report.sent, report.failed) == (0, 1)
    queued = OutgoingEmail.objects.get()
    assert (queued.sent_at, queued.claim, queued.attempts) == (None, "", 1) and queued.last_error
    assert notify.outbox_send().sent == 1  # the server is back (locmem)


def test_a_claimed_email_is_not_sent_by_a_second_sender(world, committed):
    hand_over_to_ivo(world, committed)
    OutgoingEmail.objects.update(claim="another-sender", claimed_at=timezone.now())
    assert notify.outbox_send().sent == 0
    OutgoingEmail.objects.update(claimed_at=timezone.now() - notify.STALE_CLAIM * 2)  # that sender died
    assert notify.outbox_send().sent == 1


# Unsubscribe ------------------------------------------------------------------------------------------------------


def test_the_unsubscribe_link_asks_first_and_stops_all_email_on_confirmation(world):
    url = reverse("notifications_unsubscribe", args=[unsubscribe_token(user_id=world["ivo"].pk)])
    client = Client()
    assert client.get(url).status_code == 200
    assert not NotificationPreference.objects.filter(user=world["ivo"], email_enabled=False).exists()
    response = client.post(url)
    assert response.status_code == 200 and "no more e-mail" in response.content.decode()
    assert NotificationPreference.objects.get(user=world["ivo"]).email_enabled is False


def test_one_click_unsubscribe_from_a_mail_program_needs_no_csrf_token(world):
    url = reverse("notifications_unsubscribe", args=[unsubscribe_token(user_id=world["ivo"].pk)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=world["ivo"]).email_enabled is False


def test_a_forged_unsubscribe_token_changes_nothing(world):
    token = unsubscribe_token(user_id=world["ivo"].pk)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = Client().post(reverse("notifications_unsubscribe", args=[forged]))
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


# Target dates -----------------------------------------------------------------------------------------------------


def plan(world: dict[str, Any], days: int) -> None:
    pain_point = world["pain_point"]
    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=None)
    lifecycle.pain_point_plan_fix(
        pain_point=pain_point,
        actor=world["carla"],
        fix_description="Show the status",
        target_date=timezone.localdate() + datetime.timedelta(days=days),
        base_version=None,
    )


def test_the_owner_hears_once_that_a_target_date_is_near_and_once_that_it_passed(world):
    plan(world, days=2)
    today = timezone.localdate()
    assert due_dates_check(today=today) == 1
    assert due_dates_check(today=today) == 0  # once
    assert kinds_of(world["carla"]) == [Kind.DUE_SOON]
    assert due_dates_check(today=today + datetime.timedelta(days=3)) == 1
    assert kinds_of(world["carla"]) == [Kind.DUE_SOON, Kind.OVERDUE]
    assert due_dates_check(today=today + datetime.timedelta(days=4)) == 0


def test_a_target_date_far_away_or_a_closed_pain_point_tells_nobody(world):
    plan(world, days=30)
    assert due_dates_check() == 0
    lifecycle.pain_point_solve(pain_point=world["pain_point"], actor=world["carla"], resolution="x", base_version=None)
    assert due_dates_check(today=timezone.localdate() + datetime.timedelta(days=40)) == 0


# The inbox, the bell, the settings ----------------------------------------------------------------------------------


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_bell_in_the_header_counts_unread_notifications(world, committed):
    hand_over_to_ivo(world, committed)
    page = logged_in(world["ivo"]).get(reverse("journey_list")).content.decode()
    assert 'id="notification-bell"' in page and "1 unread" in page
    quiet = logged_in(world["dirk"]).get(reverse("journey_list")).content.decode()
    assert 'data-unread="0"' in quiet and "bell-count" not in quiet


def test_opening_a_notification_marks_it_read_and_leads_to_the_pain_point(world, committed):
    hand_over_to_ivo(world, committed)
    notification = Notification.objects.get(recipient=world["ivo"])
    response = logged_in(world["ivo"]).get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_404(world, committed):
    hand_over_to_ivo(world, committed)
    notification = Notification.objects.get(recipient=world["ivo"])
    assert logged_in(world["dirk"]).get(reverse("notification_open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_inbox_lists_notifications_newest_first_and_marks_all_read(world, committed):
    hand_over_to_ivo(world, committed)
    committed(lambda: lifecycle.pain_point_comment(pain_point=world["pain_point"], actor=world["dirk"], text="Me too"))
    client = logged_in(world["ivo"])
    page = client.get(reverse("notifications_inbox")).content.decode()
    assert page.index("commented on a pain point you take part in") < page.index("handed a pain point over to you")
    client.post(reverse("notifications_read_all"))
    assert not Notification.objects.filter(recipient=world["ivo"], read_at=None).exists()


def test_settings_are_saved_and_a_made_up_choice_saves_nothing(world):
    client = logged_in(world["ivo"])
    form = {f"kind_{kind}": Delivery.APP for kind in Kind.values}
    form |= {"kind_mentioned": Delivery.EMAIL, "digest": "daily", "language": "nl", "email_enabled": "on"}
    assert client.post(reverse("notification_preferences"), form).status_code == 302
    saved = NotificationPreference.objects.get(user=world["ivo"])
    assert (saved.digest, saved.email_language, saved.deliveries["mentioned"]) == ("daily", "nl", "email")
    response = client.post(reverse("notification_preferences"), form | {"kind_tagged": "carrier-pigeon"})
    assert response.status_code == 422
    assert NotificationPreference.objects.get(user=world["ivo"]).deliveries["tagged"] == "app"


def test_the_inbox_and_settings_need_a_login():
    for name in ("notifications_inbox", "notification_preferences", "notifications_bell"):
        assert Client().get(reverse(name)).status_code == 302
