"""Single sign-on without a browser: who a sign-in is, and how the provider's claims set departments and the
managers' group (the end-to-end sign-in in Chromium is in test_sso_browser.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse

from accounts import sso
from accounts.models import DepartmentClaim
from tests.factories import PASSWORD, make_department, make_user

pytestmark = pytest.mark.django_db

CLAIMED = {"OIDC_DEPARTMENTS_CLAIM": "groups", "OIDC_MANAGERS_CLAIM": "groups", "OIDC_MANAGER_VALUES": ["jb-managers"]}


def claims(**extra):
    return {"sub": "f3c9-0001", "email": "carla@insurer.example", "given_name": "Carla", "family_name": "Bakker",
            "preferred_username": "carla.b", **extra}  # fmt: skip


@override_settings(**CLAIMED)
def test_the_first_sign_in_makes_a_user_without_a_password_in_the_departments_the_provider_names():
    it, finance = make_department("IT"), make_department("Finance")
    make_department("Contact centre")

    user = sso.sso_user_create(claims=claims(groups=["IT", "/Finance", "Sales"]))

    assert (user.username, user.get_full_name(), user.email) == ("carla.b", "Carla Bakker", "carla@insurer.example")
    assert not user.has_usable_password()
    assert set(user.departments.all()) == {it, finance}  # a Keycloak group path "/Finance" names Finance
    assert not user.groups.filter(name="Managers").exists()


@override_settings(**CLAIMED)
def test_a_claim_value_mapped_in_the_admin_names_a_department_as_entra_group_ids_need():
    it = make_department("IT")
    DepartmentClaim.objects.create(value="5f8e1b2a-0c1d-4e6f-9a7b-3c2d1e0f9a8b", department=it)
    user = sso.sso_user_create(claims=claims(groups=["5f8e1b2a-0c1d-4e6f-9a7b-3c2d1e0f9a8b"]))
    assert list(user.departments.all()) == [it]


@override_settings(**CLAIMED)
def test_every_sign_in_brings_departments_and_the_manager_role_in_line_with_the_provider():
    it, finance = make_department("IT"), make_department("Finance")
    user = sso.sso_user_create(claims=claims(groups=["IT", "jb-managers"]))
    assert user.groups.filter(name="Managers").exists()

    [same] = sso.users_for_claims(claims(groups=["Finance"]))
    sso.sso_user_sync(user=same, claims=claims(groups=["Finance"], family_name="de Boer"))

    same.refresh_from_db()
    assert list(same.departments.all()) == [finance] and same.last_name == "de Boer"
    assert not same.groups.filter(name="Managers").exists()
    assert it.members.count() == 0


def test_without_a_departments_claim_configured_departments_stay_as_the_admin_set_them():
    it = make_department("IT")
    user = make_user("carla", departments=[it], email="carla@insurer.example")
    manager_group = Group.objects.get_or_create(name="Managers")[0]
    user.groups.add(manager_group)
    [linked] = sso.users_for_claims(claims(groups=[]))
    sso.sso_user_sync(user=linked, claims=claims(groups=[]))
    assert list(user.departments.all()) == [it] and user.groups.filter(name="Managers").exists()


def test_a_first_sign_in_links_to_the_account_with_the_same_e_mail_then_follows_the_subject():
    existing = make_user("anna", email="Carla@Insurer.example")
    [linked] = sso.users_for_claims(claims())
    assert linked == existing
    sso.sso_user_sync(user=linked, claims=claims())
    assert list(sso.users_for_claims(claims(email="carla.new@insurer.example"))) == [existing]  # by subject now
    assert list(sso.users_for_claims(claims(sub="someone-else"))) == []  # the e-mail's account is taken


@override_settings(OIDC_LINK_BY_EMAIL=False)
def test_linking_by_e_mail_can_be_switched_off():
    make_user("anna", email="carla@insurer.example")
    assert list(sso.users_for_claims(claims())) == []


def test_a_taken_username_gets_a_number():
    make_user("carla.b")
    assert sso.sso_user_create(claims=claims()).username == "carla.b-2"


def test_with_local_accounts_off_the_password_form_lets_nobody_in(client):
    make_user("anna")
    with override_settings(LOCAL_LOGIN=False, AUTHENTICATION_BACKENDS=[]):
        response = client.post(reverse("login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 403 and "_auth_user_id" not in client.session
    assert "there are no passwords here" in response.content.decode()


def test_with_local_accounts_on_and_no_single_sign_on_the_page_is_as_before(client):
    make_user("anna")
    page = client.get(reverse("login")).content.decode()
    assert 'id="id_password"' in page and "oidc" not in page
    assert client.post(reverse("login"), {"username": "anna", "password": PASSWORD}).status_code == 302


def test_claims_from_the_id_token_count_only_when_switched_on(settings):
    userinfo, id_token = {"sub": "x", "email": "a@b.example"}, {"sub": "x", "groups": ["IT"], "email": "old@b.example"}
    assert sso.merged_claims(userinfo, id_token) == userinfo
    settings.OIDC_CLAIMS_FROM_ID_TOKEN = True
    assert sso.merged_claims(userinfo, id_token) == {"sub": "x", "email": "a@b.example", "groups": ["IT"]}
