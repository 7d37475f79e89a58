"""The guide's receiver example (docs/examples/ticket_receiver.py) works: a real webhook from Journey Board reaches it
over HTTP, it verifies the signature, and a stand-in for Jira on loopback gets an issue, then a comment."""

from __future__ import annotations

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from painpoints import services as lifecycle
from tests.factories import make_owners_world, make_pain_point
from webhooks import services as webhooks
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "ticket_receiver.py"


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location("ticket_receiver", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def jira():
    calls: list[tuple[str, dict[str, Any]]] = []

    class Jira(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            calls.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            answer = json.dumps({"key": "CX-1"} if self.path == "/rest/api/2/issue" else {}).encode()
            self.send_response(201)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = serve(Jira)
    yield f"http://127.0.0.1:{server.server_address[1]}", calls
    server.shutdown()


def test_the_receiver_example_turns_a_pain_point_into_a_jira_issue_and_its_changes_into_comments(
    settings, monkeypatch, jira, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_HOSTS, settings.WEBHOOK_INTERNAL_NETWORKS = ["127.0.0.1"], ["127.0.0.1/32"]
    settings.WEBHOOK_ALLOW_HTTP = True
    jira_url, calls = jira
    world = make_owners_world()
    example = load_example()
    receiver = serve(example.Receiver)
    subscription = webhooks.subscription_create(
        actor=world["anna"],
        journey=world["journey"],
        url=f"http://127.0.0.1:{receiver.server_address[1]}/",
        event_types=["pain_point.created", "pain_point.state_changed"],
    )
    monkeypatch.setenv("JOURNEY_BOARD_WEBHOOK_SECRET", subscription.secret)
    monkeypatch.setenv("JIRA_URL", jira_url)
    monkeypatch.setenv("JIRA_PROJECT", "CX")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pain_point = make_pain_point(
                world["step"], [world["it"]], "Letter goes to the old address", severity="high"
            )
        call_command("send_webhooks", "--once")
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=1)
        call_command("send_webhooks", "--once")
    finally:
        receiver.shutdown()

    assert list(Delivery.objects.values_list("status", flat=True)) == ["delivered", "delivered"]
    (create_path, issue), (comment_path, comment) = calls
    assert create_path == "/rest/api/2/issue"
    fields = issue["fields"]
    assert (fields["summary"], fields["priority"], fields["project"]) == (
        "Letter goes to the old address",
        {"name": "High"},
        {"key": "CX"},
    )
    assert f"/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/" in fields["description"]
    assert comment_path == "/rest/api/2/issue/CX-1/comment"
    assert comment["body"].startswith("Carla Bakker: pick up → in_progress")


def test_the_receiver_example_refuses_a_message_it_cannot_verify(monkeypatch):
    import urllib.error
    import urllib.request

    example = load_example()
    monkeypatch.setenv("JOURNEY_BOARD_WEBHOOK_SECRET", webhooks.new_secret())
    receiver = serve(example.Receiver)
    request = urllib.request.Request(
        f"http://127.0.0.1:{receiver.server_address[1]}/",
        data=b'{"type": "pain_point.created"}',
        headers={"webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,forged"},
    )
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
    finally:
        receiver.shutdown()
    assert refused.value.code == 401
