"""Does a big import block other users' pages? Four big imports in parallel against one daphne while another user
loads a board page over and over.

    .venv/bin/python bench/bench_import_load.py [--alone 40] [--importers 4] [--steps 500]

Starts the app on loopback (one daphne, the same flags as `make run`, a scratch SQLite file), seeds five logged-in
users, and gives the viewer a board of 60 steps. Prints the board page's latency (p50, p99, max) loaded alone, then
while `--importers` users each upload a file at the limits (`--steps` steps, twice as many hand-offs and pain points
with history: about 1.9 MB) through the import form at the same moment; and each import's answer and time.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402


def journey_file(steps: int, handoffs: int, pain_points: int, title: str) -> bytes:
    departments = ["Customer", "Contact centre"]
    when = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    document = {
        "format": "journey-board",
        "version": 1,
        "journey": {"title": title},
        "departments": [{"name": name, "colour": "#336699"} for name in departments],
        "lanes": departments,
        "steps": [
            {
                "key": key,
                "title": f"Step {key}: agent checks the address",
                "description": "The agent compares the form with the policy and re-keys it. " * 12,
                "department": departments[key % 2],
            }
            for key in range(1, steps + 1)
        ],
        "handoffs": [
            {"from": 1 + n % steps, "to": 1 + (n + 1 + n // steps) % steps, "label": "form"} for n in range(handoffs)
        ],
        "pain_points": [
            {
                "step": 1 + n % steps,
                "text": f"Pain point {n}: nobody says what happens next",
                "status": "open",
                "fix_description": "Send the customer a confirmation with the date the change takes effect. " * 8,
                "responsible_departments": departments,
                "created_at": when,
                "activities": [{"kind": "created", "to_status": "open", "created_at": when, "text": "Reported"}],
            }
            for n in range(pain_points)
        ],
    }
    return json.dumps(document).encode()


class Browser:
    """A logged-in user: a session cookie, and the CSRF cookie and token a form page hands out."""

    def __init__(self, base_url: str, session_key: str) -> None:
        self.base_url = base_url
        self.cookies = {"sessionid": session_key}
        self.location = ""

    def get(self, path: str) -> tuple[int, str]:
        return self.send(urllib.request.Request(self.base_url + path))

    def send(self, request: urllib.request.Request) -> tuple[int, str]:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(NoRedirects)
        try:
            response = opener.open(request, timeout=300)
        except urllib.error.HTTPError as error:
            response = error
        self.location = response.headers.get("Location", "")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.read().decode(errors="replace")

    def upload(self, raw: bytes) -> tuple[int, str, float]:
        """The import form, as a browser posts it: (status, where it redirects, seconds)."""
        page = self.get("/import/")[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.json"\r\n'
                f"Content-Type: application/json\r\n\r\n"
            ).encode()
            + raw
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(self.base_url + "/import/", data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Referer", self.base_url + "/import/")
        started = time.monotonic()
        status, _text = self.send(request)
        return status, self.location, time.monotonic() - started


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        return None


def board_latencies(viewer: Browser, path: str, *, count: int | None = None, until: threading.Event | None = None):
    times = []
    while (count is not None and len(times) < count) or (until is not None and not until.is_set()):
        started = time.monotonic()
        status, _page = viewer.get(path)
        assert status == 200, status
        times.append(time.monotonic() - started)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:7.0f} ms  p99 {p99 * 1000:7.0f} ms  max {ordered[-1] * 1000:7.0f} ms"
        f"  ({len(ordered)} loads)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alone", type=int, default=40, help="board loads measured with nothing else running")
    parser.add_argument("--importers", type=int, default=4)
    parser.add_argument("--steps", type=int, default=500)
    args = parser.parse_args()
    big = journey_file(args.steps, 2 * args.steps, 2 * args.steps, "A journey at the limits")
    print(
        f"import file: {len(big) / 1024 / 1024:.2f} MB, {args.steps} steps, {2 * args.steps} hand-offs and pain points"
    )

    with tempfile.TemporaryDirectory() as tmp:
        env = harness.app_env(SQLITE_PATH=str(Path(tmp) / "imports.sqlite3"), JOURNEYS_PER_USER_PER_HOUR="1000")
        people = harness.seeds(env, 1 + args.importers, migrate=True)
        with harness.daphnes(env) as (urls, _procs):
            viewer = Browser(urls[0], people[0].viewer)
            status, path, _seconds = viewer.upload(journey_file(60, 80, 40, "The viewer's board"))
            assert status == 302, status
            viewer.get(path)  # warm
            alone = board_latencies(viewer, path, count=args.alone)
            print(f"board page alone:           {summary(alone)}")

            done, results = threading.Event(), []

            def one_import(seed: harness.Seed) -> None:
                results.append(Browser(urls[0], seed.editor).upload(big))

            importers = [threading.Thread(target=one_import, args=(seed,)) for seed in people[1:]]
            started = time.monotonic()
            for thread in importers:
                thread.start()
            watcher = threading.Thread(target=lambda: ([t.join() for t in importers], done.set()))
            watcher.start()
            during = board_latencies(viewer, path, until=done)
            wall = time.monotonic() - started
            print(f"board page during imports:  {summary(during)}")
            for status, where, seconds in sorted(results, key=lambda result: result[2]):
                answer = f"302 to {where}" if status == 302 else str(status)
                print(f"import: {answer:16} in {seconds:5.1f} s")
            print(f"all {args.importers} imports done in {wall:.1f} s")


if __name__ == "__main__":
    main()
