"""Static files in embedded mode (`make run`: DEBUG off, no PRODUCTION), served by daphne through whitenoise:
compressed by Accept-Encoding, and hashed names cached for a year."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, WITHOUT_THIRD_PARTY_STATIC, free_port, start_daphne, stop_server


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module")
def embedded_daphne(tmp_path_factory) -> Iterator[str]:
    """daphne as `make run` starts it, on static files collected into a folder of its own (without the third-party
    ones no test asks for)."""
    folder = tmp_path_factory.mktemp("embedded")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "STATIC_ROOT": str(folder / "static"),
        "SQLITE_PATH": str(folder / "db.sqlite3"),
    }
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0", *WITHOUT_THIRD_PARTY_STATIC]):
        done = run(["manage.py", *command], env)
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = start_daphne(port, env)
    yield f"http://127.0.0.1:{port}"
    stop_server(server)


def htmx_url(page: bytes) -> str:
    [path] = re.findall(rb'src="(/static/django_htmx/htmx-2\.min\.[0-9a-f]{12}\.js)"', page)
    return path.decode()


@pytest.mark.slow
def test_pages_name_static_files_by_their_hash(embedded_daphne):
    status, _headers, page = fetch(f"{embedded_daphne}/login/")
    assert status == 200
    assert htmx_url(page)
    assert b'/static/site.js"' not in page
    assert re.search(rb'/static/site\.[0-9a-f]{12}\.js"', page)


@pytest.mark.slow
def test_htmx_goes_out_gzipped_and_cached_for_a_year(embedded_daphne):
    url = embedded_daphne + htmx_url(fetch(f"{embedded_daphne}/login/")[2])
    _status, _headers, plain = fetch(url)
    status, headers, body = fetch(url, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert len(body) < 20_000 < len(plain)
    assert gzip.decompress(body) == plain
    assert "Accept-Encoding" in headers["Vary"]
    cache = headers["Cache-Control"]
    assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache)[1]) >= 365 * 24 * 3600


@pytest.mark.slow
def test_brotli_is_preferred_when_the_browser_takes_it(embedded_daphne):
    url = embedded_daphne + htmx_url(fetch(f"{embedded_daphne}/login/")[2])
    _status, headers, body = fetch(url, {"Accept-Encoding": "gzip, deflate, br"})
    assert headers["Content-Encoding"] == "br"
    assert len(body) < len(fetch(url, {"Accept-Encoding": "gzip"})[2])


@pytest.mark.slow
def test_a_name_without_a_hash_is_served_but_only_briefly_cached(embedded_daphne):
    status, headers, _body = fetch(f"{embedded_daphne}/static/site.js", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" not in headers["Cache-Control"]


def test_daphne_refuses_to_start_without_collected_files_and_says_why(tmp_path: Path):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false", "STATIC_ROOT": str(tmp_path / "none")}
    started = run(["-c", "import config.asgi"], env)
    assert started.returncode != 0
    assert "No collected static files" in started.stderr and "collectstatic" in started.stderr
