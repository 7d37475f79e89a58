"""Run the real app in daphne subprocesses and talk to it like browsers do: shared by bench/ and the scale-out test.

Nothing here imports Django settings: each daphne (and each manage.py call) gets its configuration from the
environment, exactly like production (DATABASE_URL, REDIS_URL).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def address(variable: str, default: str) -> tuple[str, int]:
    host, port = os.environ.get(variable, default).rsplit(":", 1)
    return host, int(port)


# Where the scale-out test and the bench find the services (host:port), loopback unless told otherwise.
POSTGRES = address("SCALEOUT_POSTGRES", "127.0.0.1:5432")
REDIS = address("SCALEOUT_REDIS", "127.0.0.1:6379")
# The same WebSocket limits as `make run`: small incoming frames; a message cap that still fits a whole-board
# snapshot (autobahn applies it to what the server sends, too); dead peers noticed within ~30 s (presence); and
# connections recycled every 4 h (live.js reconnects after that clean close, instead of daphne's 24 h cliff).
DAPHNE_WEBSOCKET_FLAGS = [
    "--websocket-max-message-size=2097152",
    "--websocket-max-frame-size=16384",
    "--ping-interval=10",
    "--ping-timeout=20",
    "--websocket_timeout=14400",
]
FRAME_HEADER = re.compile(r'^\s*<div id="board-seq"[^>]*? data-seq="(\d+)" data-base="(\d+)" data-kind="(\w+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=2).close()
        return True
    except OSError:
        return False


def setup_django(sqlite_path: str | Path, **environ: str) -> None:
    """Django in this process, for a bench that measures through the ORM or the test client: on its own SQLite file
    (unless `environ` names a DATABASE_URL), DEBUG off, plus any other settings in `environ`."""
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.update({"SQLITE_PATH": str(sqlite_path), "DEBUG": "false", **environ})
    import django

    django.setup()


def scratch_sqlite(name: str) -> str:
    """A fresh SQLite file for one run of a bench."""
    return os.path.join(tempfile.mkdtemp(prefix=f"bench-{name}-"), "bench.sqlite3")


def app_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    # One bench user posts hundreds of edits a minute: lift the per-user limit meant for runaway browsers.
    limits = {"BOARD_CHANGES_PER_MINUTE": "100000"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false", **limits, **overrides})
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def fresh_postgres_database(name: str) -> str:
    """Drop and create database `name` on the local PostgreSQL; returns its DATABASE_URL."""
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{POSTGRES[0]}:{POSTGRES[1]}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@{POSTGRES[0]}:{POSTGRES[1]}/{name}"


def drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{POSTGRES[0]}:{POSTGRES[1]}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SEED = """
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from journeys import services
from journeys.models import Department, Membership

def session_for(user):
    store = SessionStore()
    store.update({"_auth_user_id": str(user.pk), "_auth_user_hash": user.get_session_auth_hash(),
                  "_auth_user_backend": "django.contrib.auth.backends.ModelBackend"})
    store.create()
    return store.session_key

def seed():
    users = get_user_model().objects
    customer, _ = Department.objects.get_or_create(name="Customer", defaults={"colour": "#1f77b4"})
    contact, _ = Department.objects.get_or_create(name="Contact centre", defaults={"colour": "#ff7f0e"})
    editor = users.create_user(username=f"editor-{users.count()}", first_name="Anna")
    customer.members.add(editor)
    viewer = users.create_user(username=f"viewer-{users.count()}", first_name="Bram")
    contact.members.add(viewer)
    journey = services.journey_create(title="I am moving: change my address", actor=editor)
    Membership.objects.create(journey=journey, user=viewer)
    return {"journey": journey.pk, "department": customer.pk,
            "editor": session_for(editor), "viewer": session_for(viewer)}

if MIGRATE:
    call_command("migrate", verbosity=0)
print(json.dumps([seed() for _n in range(COUNT)]))
"""


@dataclass
class Seed:
    journey: int
    department: int
    editor: str  # session keys
    viewer: str


def seeds(env: dict[str, str], count: int, *, migrate: bool = False) -> list[Seed]:
    """`count` journeys, each with an editor and a viewer (logged in), after migrating first if asked: one Django
    start-up for all of it, which is most of the cost on a busy machine."""
    code = f"MIGRATE, COUNT = {migrate!r}, {count!r}\n" + SEED
    out = manage(env, "shell", "-c", code)
    return [Seed(**fields) for fields in json.loads(out.strip().splitlines()[-1])]


def seed(env: dict[str, str]) -> Seed:
    return seeds(env, 1)[0]


def launch_daphne(port: int, env: dict[str, str], app: str = "config.asgi:application") -> subprocess.Popen:
    cmd = [sys.executable, "-m", "daphne", *DAPHNE_WEBSOCKET_FLAGS, "-b", "127.0.0.1", "-p", str(port)]
    # A file, not a pipe nobody reads: a full pipe would freeze daphne at its next log line.
    log = tempfile.NamedTemporaryFile(prefix=f"daphne-{port}-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen([*cmd, app], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    proc.log_path = log.name
    proc.port = port
    return proc


def wait_until_serving(proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if reachable(("127.0.0.1", proc.port)):
            return
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"daphne on port {proc.port} did not start: {log_of(proc)[-2000:]}")


def start_daphne(port: int, env: dict[str, str], app: str = "config.asgi:application") -> subprocess.Popen:
    proc = launch_daphne(port, env, app)
    wait_until_serving(proc)
    return proc


def log_of(proc: subprocess.Popen) -> str:
    """What a daphne started here has logged so far (its stderr)."""
    return Path(proc.log_path).read_text(errors="replace")


def stop_daphnes(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        Path(proc.log_path).unlink(missing_ok=True)


@contextmanager
def daphnes(env: dict[str, str], count: int = 1, app: str = "config.asgi:application"):
    """`count` daphne processes, started side by side."""
    procs = []
    try:
        for _n in range(count):
            procs.append(launch_daphne(free_port(), env, app))
        for proc in procs:
            wait_until_serving(proc)
        yield [f"http://127.0.0.1:{proc.port}" for proc in procs], procs
    finally:
        stop_daphnes(procs)


class Editor:
    """A logged-in browser that posts changes over HTTP, with the CSRF token of the board page."""

    def __init__(self, base_url: str, session_key: str, journey_id: int) -> None:
        self.base_url = base_url
        self.journey_id = journey_id
        page = self.request("GET", f"/j/{journey_id}/", cookies={"sessionid": session_key})
        self.csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        self.cookies = {"sessionid": session_key, "csrftoken": self.csrf_cookie}

    def request(self, method: str, path: str, *, cookies: dict[str, str], data: bytes | None = None) -> str:
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if data is not None:
            request.add_header("X-CSRFToken", self.csrf)
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=30) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("csrftoken="):
                    self.csrf_cookie = header.split(";")[0].split("=", 1)[1]
            return response.read().decode()

    def add_step(self, title: str, department: int | str = "") -> str:
        body = urllib.parse.urlencode({"title": title, "department": department}).encode()
        return self.request("POST", f"/j/{self.journey_id}/steps/add/", cookies=self.cookies, data=body)

    def rename_step(self, step_id: int, title: str) -> str:
        body = urllib.parse.urlencode({"title": title}).encode()
        return self.request("POST", f"/j/{self.journey_id}/steps/{step_id}/edit/", cookies=self.cookies, data=body)


def ws_url(base_url: str, journey_id: int) -> str:
    return base_url.replace("http://", "ws://") + f"/ws/j/{journey_id}/"


def ws_headers(base_url: str, session_key: str) -> list[tuple[str, str]]:
    return [("Cookie", f"sessionid={session_key}"), ("Origin", base_url)]


def frame_header(message: str) -> tuple[int, int, str] | None:
    match = FRAME_HEADER.match(message)
    return (int(match[1]), int(match[2]), match[3]) if match else None


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class RecordingSocket:
    """A board socket like a browser tab's: says hello, then records when each sequenced frame arrived and how the
    socket closed (the htmx ws extension gives up for good after 1000, 1001 and 1011)."""

    def __init__(self, base_url: str, session_key: str, journey_id: int) -> None:
        self.url = ws_url(base_url, journey_id)
        self.headers = ws_headers(base_url, session_key)
        self.frames: list[tuple[float, int, int, str]] = []  # (monotonic time, seq, base, kind)
        self.close_code: int | None = None
        self.closed_at: float | None = None

    async def open(self, seq: int = 0) -> RecordingSocket:
        import asyncio

        import websockets

        self.socket = await websockets.connect(self.url, additional_headers=self.headers, max_queue=None)
        await self.socket.send(json.dumps({"type": "hello", "seq": seq}))
        self.task = asyncio.create_task(self._listen())
        return self

    async def _listen(self) -> None:
        import websockets

        try:
            async for message in self.socket:
                header = frame_header(message[:300])
                if header:
                    self.frames.append((time.monotonic(), *header))
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed_at = time.monotonic()
            self.close_code = self.socket.close_code

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def arrival(self, seq: int) -> float | None:
        """When the push (or a catch-up or snapshot) bringing `seq` arrived, if it did."""
        for at, frame_seq, _base, kind in self.frames:
            if kind in ("push", "catchup", "snapshot") and frame_seq >= seq:
                return at
        return None

    async def close(self) -> None:
        await self.socket.close()
        await self.task
