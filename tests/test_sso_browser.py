"""Single sign-on end to end in Chromium: the app (daphne, with local passwords switched off) and a real OpenID
provider (tests/oidc_provider, django-oidc-provider) each run in their own process on loopback. Also the API docs
page under the enforced Content-Security-Policy."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from conftest import ROOT, free_port, start_daphne, stop_server
from tests.factories import PASSWORD, make_department, make_user
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET
from tests.oidc_provider import PASSWORD as IDP_PASSWORD
from tests.oidc_provider import USERNAME as IDP_USERNAME

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, timeout=120)


@pytest.fixture(scope="module")
def sso_servers(django_db_setup, tmp_path_factory) -> Iterator[dict[str, str]]:
    """(app URL, provider URL): the provider on "localhost", the app on "127.0.0.1", so each keeps its cookies."""
    from django.conf import settings

    app_port, idp_port = free_port(), free_port()
    app, idp = f"http://127.0.0.1:{app_port}", f"http://localhost:{idp_port}"
    idp_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    idp_env |= {
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("idp") / "idp.sqlite3"),
        "OIDC_PROVIDER_URL": idp,
    }
    _run(["-m", "django", "migrate", "-v0"], idp_env)
    _run(["-m", "django", "creatersakey"], idp_env)
    _run(["-m", "tests.oidc_provider.provision", f"{app}/oidc/callback/"], idp_env)
    provider = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"localhost:{idp_port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=idp_env,
    )
    app_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    app_env |= {
        "SQLITE_PATH": str(settings.DATABASES["default"]["NAME"]),
        "DEBUG": "false",
        "CSP_ENFORCE": "true",
        "LOCAL_LOGIN": "false",
        "SSO_PROVIDER_NAME": "Insurer account",
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{idp}/openid/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{idp}/openid/token",
        "OIDC_OP_USER_ENDPOINT": f"{idp}/openid/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{idp}/openid/jwks",
        "OIDC_RP_SCOPES": "openid email profile groups",
        "OIDC_DEPARTMENTS_CLAIM": "groups",
        "OIDC_MANAGER_VALUES": "jb-managers",
    }
    daphne = start_daphne(app_port, app_env)
    try:
        _wait_for(idp_port, provider)
        yield {"app": app, "idp": idp}
    finally:
        stop_server(daphne)
        stop_server(provider)


def _wait_for(port: int, proc: subprocess.Popen) -> None:
    import socket
    import time

    deadline = time.monotonic() + 20
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the identity provider did not start")


@pytest.fixture
def sso(sso_servers, transactional_db) -> dict[str, str]:
    return sso_servers


def test_a_person_signs_in_through_the_identity_provider_and_gets_departments_and_role(sso, page: Page):
    it = make_department("IT")
    make_department("Finance")
    page.goto(f"{sso['app']}/login/")
    expect(page.locator("#id_password")).to_have_count(0)  # local passwords are off

    page.get_by_role("link", name="Sign in with Insurer account").click()
    expect(page).to_have_url(f"{sso['idp']}/accounts/login/?next=" + page.url.split("next=", 1)[1])
    page.fill("#id_username", IDP_USERNAME)
    page.fill("#id_password", IDP_PASSWORD)
    page.get_by_role("button", name="Sign in at the insurer").click()

    expect(page.locator(".site-nav .who")).to_have_text("Carla Bakker")
    assert page.url.startswith(sso["app"])
    carla = get_user_model().objects.get(email="carla@insurer.example")
    assert carla.username == IDP_USERNAME and not carla.has_usable_password()
    assert list(carla.departments.all()) == [it]  # "IT" from the groups claim; "jb-managers" is no department
    assert carla.groups.filter(name="Managers").exists()
    assert page.goto(f"{sso['app']}/dashboard/").status == 200  # managers only


def test_with_local_accounts_off_a_password_gets_nobody_in(sso, page: Page):
    make_user("anna", is_staff=True, is_superuser=True)
    response = page.request.post(
        f"{sso['app']}/login/", form={"username": "anna", "password": PASSWORD}, fail_on_status_code=False
    )
    assert response.status == 403
    page.goto(f"{sso['app']}/admin/")
    expect(page).to_have_url(f"{sso['app']}/login/?next=%2Fadmin%2F")
    expect(page.get_by_role("link", name="Sign in with Insurer account")).to_be_visible()


def test_the_api_docs_page_runs_under_the_enforced_content_security_policy(sso, page: Page):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{sso['app']}/api/v1/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Journey Board API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert violations == []
    assert all(url.startswith(sso["app"]) for url in requests), requests  # nothing from a CDN
