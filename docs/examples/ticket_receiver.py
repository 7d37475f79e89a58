"""A webhook receiver that turns Journey Board pain points into Jira issues, and keeps a link back.

    pip install standardwebhooks
    export JOURNEY_BOARD_WEBHOOK_SECRET=whsec_...   # the webhook's signing secret (its page on Journey Board)
    export JIRA_URL=https://acme.atlassian.net JIRA_PROJECT=CX JIRA_AUTH="Basic base64(email:api-token)"
    python ticket_receiver.py 8080                  # then add https://<this host>/ as a webhook

Only the standard library and the Standard Webhooks reference library. It verifies every message (signature and
timestamp) before reading it, answers 200 quickly (Journey Board retries anything else, with the same webhook-id),
and ignores a webhook-id it has seen (a retry after a lost answer). Replace `create_ticket`/`comment_ticket` for
Azure DevOps or TOPdesk; the mapping stays the same.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SEEN: set[str] = set()  # use a table in production: a restart must not forget which messages were handled
TICKETS: dict[int, str] = {}  # pain point id -> issue key (ditto)


def jira(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        os.environ["JIRA_URL"].rstrip("/") + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Authorization": os.environ.get("JIRA_AUTH", "")},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
    return json.loads(text) if text else {}


def issue_fields(pain_point: dict[str, Any], journey: dict[str, Any]) -> dict[str, Any]:
    departments = ", ".join(d["name"] for d in pain_point["responsible_departments"])
    priority = {"high": "High", "medium": "Medium", "low": "Low"}[pain_point["severity"]]
    return {
        "project": {"key": os.environ.get("JIRA_PROJECT", "CX")},
        "issuetype": {"name": "Task"},
        "summary": pain_point["text"][:250],
        "priority": {"name": priority},
        "labels": ["journey-board"],
        "description": (
            f"Customer journey: {journey['title']}\nStep: {pain_point['step_title']}\n"
            f"Responsible: {departments}\n\n{pain_point['page_url']}"
        ),
    }


def handle(message: dict[str, Any]) -> None:
    data = message["data"]
    pain_point = data.get("pain_point")
    if message["type"] == "pain_point.created":
        TICKETS[pain_point["id"]] = jira(
            "POST", "/rest/api/2/issue", {"fields": issue_fields(pain_point, data["journey"])}
        )["key"]
    elif pain_point and pain_point["id"] in TICKETS:  # moved on or commented: note it on the issue
        who = (data.get("actor") or {}).get("name", "someone")
        note = f"{who}: {data['action'].replace('_', ' ')} → {pain_point['status']}. {data.get('text', '')}".strip()
        jira("POST", f"/rest/api/2/issue/{TICKETS[pain_point['id']]}/comment", {"body": note})


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:  # the raw bytes, exactly as received: parsing and re-serialising would break the signature
            message = Webhook(os.environ["JOURNEY_BOARD_WEBHOOK_SECRET"]).verify(body, dict(self.headers.items()))
        except WebhookVerificationError:
            self.send_response(401)
            self.end_headers()
            return
        if self.headers["webhook-id"] not in SEEN:
            handle(message)  # raising here answers 500: Journey Board tries again later, with backoff
            SEEN.add(self.headers["webhook-id"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Receiver).serve_forever()
