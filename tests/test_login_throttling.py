"""Guessing passwords: a username is locked out from an address after repeated wrong ones, on the login page and in
the admin, with a clear page in the visitor's language; other people and other addresses are not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str, *, url: str = "/login/", address: str = "10.0.0.1", **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def guess_wrong(client: Client, username: str, times: int, **kwargs) -> list[int]:
    return [log_in(client, username, "not the password", **kwargs).status_code for _n in range(times)]


def test_five_wrong_passwords_lock_the_username_out_from_that_address_even_with_the_right_one(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    anna = make_user("anna")
    client = Client()
    assert guess_wrong(client, "anna", 5) == [200, 200, 200, 200, 429]  # the fifth answer says so

    response = log_in(client, "anna", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "paused for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not anna.__class__.objects.get(pk=anna.pk).last_login


def test_the_lockout_spares_other_users_and_the_same_user_from_another_address():
    make_user("anna")
    make_user("bram")
    attacker = Client()
    guess_wrong(attacker, "anna", 5)
    assert log_in(attacker, "anna", PASSWORD).status_code == 429
    # A colleague in the same room (same address) logs in; Anna from her own laptop too.
    assert log_in(Client(), "bram", PASSWORD).status_code == 302
    assert log_in(Client(), "anna", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_successful_login_starts_the_count_again():
    make_user("anna")
    client = Client()
    assert guess_wrong(client, "anna", 4) == [200] * 4
    assert log_in(client, "anna", PASSWORD).status_code == 302
    client.post("/logout/")
    assert guess_wrong(client, "anna", 4) == [200] * 4
    assert log_in(client, "anna", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    make_user("anna")
    client = Client()
    guess_wrong(client, "anna", 5)
    assert log_in(client, "anna", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "anna", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too():
    admin = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    url = reverse("admin:login")
    for _n in range(5):
        log_in(client, admin.username, "wrong", url=url)
    response = log_in(client, admin.username, PASSWORD, url=url)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_speaks_dutch():
    make_user("anna")
    client = Client(headers={"accept-language": "nl"})
    guess_wrong(client, "anna", 5)
    html = log_in(client, "anna", PASSWORD).content.decode()
    assert "15 minuten" in html and "beheerder" in html
