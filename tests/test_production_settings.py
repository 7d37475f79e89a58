"""Production settings, checked the way a deployment meets them: in a fresh process with only environment variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, WITHOUT_THIRD_PARTY_STATIC, free_port, start_daphne, stop_server

SECRET = "k3Xv9-production-test-secret-q7Lm2Np8Rs4Tu6Wy1Za3Bc5De7Fg9Hj0Kl2Mn4Pq6Rs8"


def production_env(**extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PRODUCTION": "true",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "board.example.org,127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "MIDDLEWARE", "STORAGES", "SERVE_STATIC",
         "CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"]
print(json.dumps({name: getattr(s, name, None) for name in names}, default=str))
"""


def settings_in(env: dict[str, str]) -> dict:
    result = run(["-c", SHOW_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_with_production_environment_has_no_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_would_flag_a_weak_setting():
    # The check above can fail: switching off the SSL redirect is reported.
    result = run(["manage.py", "check", "--deploy"], production_env(SECURE_SSL_REDIRECT="false"))
    assert "security.W008" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "Set SECRET_KEY: it is required when PRODUCTION is true." in result.stderr


def test_production_is_strict_whatever_debug_says():
    values = settings_in(production_env(DEBUG="true"))
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["MIDDLEWARE"][1] == "config.static_files.StaticFiles"
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["SERVE_STATIC"] is True
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_a_proxy_can_serve_the_static_files_itself():
    values = settings_in(production_env(SERVE_STATIC="false"))
    assert "config.static_files.StaticFiles" not in values["MIDDLEWARE"]


def test_behind_a_proxy_the_forwarded_proto_is_trusted_and_the_redirect_can_be_left_to_it():
    values = settings_in(production_env(BEHIND_PROXY="true", SECURE_SSL_REDIRECT="false"))
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False


def test_local_defaults_need_no_environment_and_only_report_policy_violations():
    env = production_env()
    for name in ("PRODUCTION", "SECRET_KEY", "ALLOWED_HOSTS"):
        del env[name]
    values = settings_in(env)
    assert values["DEBUG"] is True and values["SERVE_STATIC"] is True
    assert values["CONTENT_SECURITY_POLICY"] is None
    assert values["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]["script-src"] == ["'self'"]


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return response.status, dict(response.headers), response.read()


@pytest.mark.slow
def test_collectstatic_then_daphne_serves_hashed_compressed_static_files_and_secure_headers(tmp_path: Path):
    env = production_env(
        STATIC_ROOT=str(tmp_path / "static"),
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        BEHIND_PROXY="true",
    )
    collected = run(["manage.py", "collectstatic", "--noinput", "-v0", *WITHOUT_THIRD_PARTY_STATIC], env)
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["boards/board.css"]
    assert hashed_css != "boards/board.css"
    assert (tmp_path / "static" / f"{hashed_css}.gz").exists()

    port = free_port()
    server = start_daphne(port, env)
    try:
        https = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
        status, headers, _body = fetch(f"http://127.0.0.1:{port}/static/{hashed_css}", https)
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]
        status, headers, body = fetch(f"http://127.0.0.1:{port}/login/", https)
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert f"/static/{hashed_css}".encode() in body
        assert b"onchange=" not in body
    finally:
        stop_server(server)


@pytest.fixture
def csp_daphne(django_db_setup, transactional_db):
    """daphne on the test database with the production Content-Security-Policy enforced (but plain http)."""
    from django.conf import settings

    env = {**os.environ, "SQLITE_PATH": str(settings.DATABASES["default"]["NAME"]), "CSP_ENFORCE": "true"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = free_port()
    server = start_daphne(port, env)
    yield f"http://127.0.0.1:{port}"
    stop_server(server)


def is_csp_report(text: str) -> bool:
    return text.startswith("CSP ") or "Content Security Policy" in text or "EvalError" in text


@pytest.mark.browser
def test_board_works_under_the_enforced_content_security_policy(csp_daphne, page):
    from demo.data import DEMO_PASSWORD, load_demo
    from journeys.models import Step

    journey = load_demo().journey
    violations: list[str] = []
    page.on("console", lambda message: is_csp_report(message.text) and violations.append(message.text))
    page.goto(f"{csp_daphne}/login/")
    page.evaluate(
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP ' + e.violatedDirective))"
    )
    page.fill("#id_username", "anna")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    response = page.goto(f"{csp_daphne}/j/{journey.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP ' + e.violatedDirective))"
    )

    card = page.locator(".step-card").first
    card.click()  # htmx GET into the drawer
    page.locator("#drawer.open .step-detail").wait_for()
    page.keyboard.press("Escape")
    card.focus()
    page.keyboard.press("Enter")  # opens without an eval'd trigger filter
    page.locator("#drawer.open .step-detail").wait_for()

    page.fill("#new-step-title", "Added under a strict policy")
    page.click("#step-create-form button[type=submit]")  # htmx POST with the CSRF header from hx-headers
    page.locator(".step-card", has_text="Added under a strict policy").wait_for()
    assert Step.objects.filter(journey=journey, title="Added under a strict policy").exists()

    # The live board's socket: connect-src 'self' must let a same-host ws:// through (CSP 3).
    page.evaluate("new WebSocket(location.origin.replace('http', 'ws') + '/ws/csp-check/')")
    page.wait_for_timeout(300)

    page.get_by_role("button", name="NL", exact=True).click()  # the language switch, now without an inline handler
    page.wait_for_load_state()
    page.locator("html[lang=nl]").wait_for()
    assert violations == []


@pytest.mark.browser
def test_admin_works_under_the_enforced_content_security_policy(csp_daphne, page):
    """The first facilitator sets up departments and people in the admin: it must work in production."""
    from django.contrib.auth import get_user_model

    from journeys.models import Department

    get_user_model().objects.create_superuser("root", password="admin-pass-123")
    violations: list[str] = []
    page.on("console", lambda message: is_csp_report(message.text) and violations.append(message.text))
    page.goto(f"{csp_daphne}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "admin-pass-123")
    page.click("input[type=submit]")
    page.goto(f"{csp_daphne}/admin/journeys/department/add/")
    page.fill("#id_name", "Claims")
    page.fill("#id_colour", "#aa3366")
    page.locator("select[name=members_old] option").first.dblclick()  # the filter_horizontal widget's JavaScript
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()
    department = Department.objects.get(name="Claims")
    assert department.members.count() == 1
    page.goto(f"{csp_daphne}/admin/journeys/journey/add/")
    page.locator("#journey_form").wait_for()
    assert violations == []


@pytest.mark.parametrize("layer", ["redis", "redis-pubsub"])
def test_redis_reads_outlast_the_layers_blocking_wait(layer: str):
    # redis-py 8 gives up on a read after 5 s unless told otherwise; RedisChannelLayer blocks for 5 s waiting for
    # messages. Equal timeouts closed idle sockets with 1011 (tests/test_scaleout.py shows it end to end).
    from channels_redis.core import RedisChannelLayer

    code = "import json, django; django.setup(); from django.conf import settings as s; "
    code += "print(json.dumps(s.CHANNEL_LAYERS['default']))"
    result = run(["-c", code], production_env(REDIS_URL="redis://127.0.0.1:6379/0", REDIS_CHANNEL_LAYER=layer))
    assert result.returncode == 0, result.stderr
    [host] = json.loads(result.stdout)["CONFIG"]["hosts"]
    assert host["address"] == "redis://127.0.0.1:6379/0"
    assert host["socket_timeout"] >= 2 * RedisChannelLayer.brpop_timeout


# Environment variables read strictly, and a loud warning for the publicly known key ----------------------------


def development_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in production_env().items() if key not in ("PRODUCTION", "SECRET_KEY")}
    return {**env, **extra}


@pytest.mark.parametrize(("name", "value"), [("PRODUCTION", "ture"), ("DEBUG", "maybe"), ("CSP_ENFORCE", "yes please")])
def test_a_yes_no_variable_with_a_typo_stops_the_start_with_a_message(name, value):
    result = run(["manage.py", "check"], production_env(**{name: value}))
    assert result.returncode != 0
    assert f"{name}={value!r} is neither true nor false" in result.stderr


def test_yes_no_variables_take_the_usual_spellings_and_empty_means_the_default():
    assert settings_in(production_env(PRODUCTION="YES", SECURE_SSL_REDIRECT="0"))["SECURE_SSL_REDIRECT"] is False
    assert settings_in(production_env(PRODUCTION="on", SECURE_SSL_REDIRECT=""))["SECURE_SSL_REDIRECT"] is True


def test_development_mode_with_the_known_key_on_a_public_host_name_warns_loudly_at_start():
    exposed = run(["-c", "import config.asgi"], development_env(ALLOWED_HOSTS="board.example.org,127.0.0.1"))
    assert exposed.returncode == 0, exposed.stderr
    assert "WARNING: Journey Board runs in DEVELOPMENT mode with the PUBLICLY KNOWN secret key" in exposed.stderr
    assert "board.example.org" in exposed.stderr
    local = run(["-c", "import config.asgi"], development_env(ALLOWED_HOSTS="127.0.0.1,localhost,[::1]"))
    assert "WARNING" not in local.stderr
    own_key = run(["-c", "import config.asgi"], development_env(SECRET_KEY=SECRET))
    assert "WARNING" not in own_key.stderr


@pytest.mark.django_db
def test_development_mode_with_the_known_key_warns_once_when_reached_on_another_address(capsys):
    from channels.testing import HttpCommunicator

    from config.asgi import application
    from config.exposure import WarnsWhenExposed
    from tests.live_client import run_async

    app = WarnsWhenExposed(application.application)

    async def visit(server: tuple[str, int]) -> int:
        communicator = HttpCommunicator(app, "GET", "/login/", headers=[(b"host", b"127.0.0.1")])
        communicator.scope["server"] = server
        return (await communicator.get_response(timeout=5))["status"]

    async def from_loopback() -> int:
        return await visit(("127.0.0.1", 8000))

    async def twice_from_the_network() -> list[int]:
        return [await visit(("192.168.1.20", 8000)), await visit(("192.168.1.20", 8000))]

    assert run_async(from_loopback) == 200
    assert "WARNING" not in capsys.readouterr().err
    assert run_async(twice_from_the_network) == [200, 200]
    assert capsys.readouterr().err.count("PUBLICLY KNOWN secret key, and a visitor reached it on 192.168.1.20") == 1
