"""Project-wide fixtures: a daphne subprocess for browser tests, Debian's chromium for Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from bench.harness import DAPHNE_WEBSOCKET_FLAGS, free_port

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the tests themselves are fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium"}


def start_daphne(port: int, env: dict[str, str]) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "daphne", *DAPHNE_WEBSOCKET_FLAGS, "-b", "127.0.0.1", "-p", str(port)]
    cmd.append("config.asgi:application")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60  # a busy CI machine can take long to import the project
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("daphne did not start")


# collectstatic in a test: the project's files and htmx, not the admin's, the API browser's or the Swagger UI's.
# Compressing those (gzip and brotli) is most of the time, and no test asks for them.
WITHOUT_THIRD_PARTY_STATIC = ["-i", "admin", "-i", "rest_framework", "-i", "drf_spectacular_sidecar"]


def stop_server(proc: subprocess.Popen) -> None:
    """Ask daphne to stop; a server still waiting after 3 s is killed. With a browser page still connected, daphne
    waits for the socket's consumer up to its application close timeout (10 s): a test gains nothing from that."""
    proc.terminate()
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Rate-limit counts of this test's own: user and journey ids repeat between tests (rolled back), and the
    in-process store would otherwise carry one test's counts into the next."""
    import uuid

    location = f"ratelimit-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "ratelimit": {"BACKEND": LOCMEM, "LOCATION": location}}


LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transaction = marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    return bool(transaction) or "transactional_db" in getattr(item, "fixturenames", ())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test on a real daphne commits its rows, and the database is flushed after it: with them go the rows the
    migrations seeded (the customer lens questions, the "Managers" group), which the next test in that worker relies
    on. In one worker that next test depends on the order; under xdist it fails. They are seeded again, after every
    fixture's teardown (the flush is one)."""
    yield
    # After a worker's last test the session's fixtures are gone too, the test database with them: nothing to seed.
    if nextitem is None or not _flushes_the_database(item):
        return
    from importlib import import_module

    from django.apps import apps
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        import_module("journeys.migrations.0003_lens_and_mirror").seed_lens_questions(apps, None)
        import_module("boards.migrations.0002_managers_group").create_group(apps, None)


@pytest.fixture(autouse=True)
def close_browser_contexts_left_open(request):
    """A context a test opened itself (a second participant, a phone) and left open keeps its pages running: their
    sockets reconnect and their timers fire for the rest of the run, and a long run slows down until tests time
    out. Whatever a browser test leaves open is closed after it."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture(scope="session")
def daphne_server(django_db_setup):
    from django.conf import settings

    port = free_port()
    # Without Django's debug pages, as people run it: in debug mode django-htmx replaces the whole page with the
    # error page of any failed htmx request, which no participant would ever see.
    env = {**os.environ, "SQLITE_PATH": str(settings.DATABASES["default"]["NAME"]), "DEBUG": "false"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the server keeps Django's async-safety checks
    proc = start_daphne(port, env)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture
def live_daphne(daphne_server, transactional_db):
    """A real daphne serving the test database; rows a test commits are visible to it and flushed after."""
    return daphne_server


@pytest.fixture(autouse=True)
def each_test_starts_in_english():
    """A request in Dutch leaves Dutch active on its thread (LocaleMiddleware activates, nothing deactivates): without
    this, a later test in the same worker that calls a service directly reads its messages in Dutch."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def fresh_layer():
    """An in-memory channel layer of this test's own: the layer is a process-wide singleton, and groups another test
    joined would otherwise still be there."""
    from channels.layers import channel_layers

    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and what it sets off after commit (notifications, e-mails), as a request would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def pytest_collection_modifyitems(config, items):
    """The scale-out and browser tests first, the rest after them (a stable sort: each file's tests keep their order).
    xdist hands out whole files in this order, so the short files fill the workers' last minutes evenly instead of a
    long browser file starting last and running on alone."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("scaleout") or item.get_closest_marker("browser") else 1)
