"""How an API request makes a change: the pages' write path (`web.changes.run_change`: operation id, the service
inside `journey_change`, one refusal-to-status map), answered as JSON.

    400 bad input, a message per field    403 not allowed (who may)        404 not a member
    409 stale version or illegal move     429 too many changes             200/201 done (or replayed)
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from journeys.changes import operation_content
from journeys.errors import ChangeRefused, StaleEdit, TooManyChanges
from journeys.models import Journey
from web.changes import Outcome, run_change, status_of
from web.ratelimit import board_changes, hit

REPLAYED_HEADER = "Idempotent-Replayed"


def operation_id(request: Request, data: dict[str, Any]) -> str:
    return data.pop("op_id", "") or request.headers.get("Idempotency-Key", "") or uuid.uuid4().hex


def content_digest(request: Request, data: dict[str, Any]) -> str:
    """What the request asks for (its path and validated fields, the operation id left out): the same operation id
    sent again with other content is refused (409), as on the pages."""
    content = json.dumps([request.path, data], sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def change(
    request: Request, journey: Journey, service: Callable[[str], Any], op_id: str, data: dict[str, Any]
) -> Outcome:
    wait = hit(board_changes(), f"{journey.pk}:{request.user.pk}")
    if wait:
        refusal = TooManyChanges(_("Too many changes in the last minute: wait a moment, then retry."))
        refusal.retry_after = wait
        return Outcome(refusal=refusal)
    with operation_content(content_digest(request, data)):
        return run_change(journey, service, op_id)


def answer(outcome: Outcome, body: Callable[[Outcome], Any], *, created: bool = False) -> Response:
    """The JSON answer to an outcome; `body(outcome)` gives the representation of what was changed."""
    if outcome.invalid is not None:
        return Response(field_messages(outcome.invalid), status=status.HTTP_400_BAD_REQUEST)
    if outcome.refusal is not None:
        return refusal_response(outcome.refusal)
    if outcome.replayed:
        return Response(body(outcome), status=status.HTTP_200_OK, headers={REPLAYED_HEADER: "true"})
    return Response(body(outcome), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def field_messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in problems] for field, problems in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def refusal_response(refusal: ChangeRefused) -> Response:
    code = status_of(refusal)
    body: dict[str, Any] = {"detail": str(refusal), "code": type(refusal).__name__}
    headers = {}
    if code == status.HTTP_404_NOT_FOUND:
        body["detail"] = _("Not found.")
    if isinstance(refusal, StaleEdit):
        body["detail"] = _(
            "It changed since the version you sent (now %(version)s). Nothing was saved: read it, retry."
        ) % {"version": refusal.current.version}
        body["current_version"] = refusal.current.version
    if isinstance(refusal, TooManyChanges):
        headers["Retry-After"] = str(getattr(refusal, "retry_after", 60))
    return Response(body, status=code, headers=headers)
