"""The one way a view makes a change.

    return apply_change(request, journey, form, service, FragmentAnswers(journey, invalid=...))

`apply_change` checks the operation id, validates the form, runs the service (which runs inside
`journeys.changes.journey_change`) and maps every refusal of `journeys.errors` to one status: 404 not a member,
403 not allowed, 409 conflict (stale version, illegal transition, nothing to undo), 422 bad input, 429 too many.
Nothing is saved in any of those. What the answer looks like is the view's business (its `Answers`): out-of-band
fragments for the board and the workshop tools, a redirect with a message for the plain form pages.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from journeys import selectors
from journeys.errors import (
    ChangeRefused,
    Conflict,
    NotAllowed,
    NotAMember,
    ReplayedOperation,
    StaleEdit,
    TooManyChanges,
)
from journeys.models import Event, Journey
from live.fragments import render_changes, render_event, render_follow_ups
from web.conflicts import render_conflict
from web.forms import text_only

OP_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

# A service called with the form's cleaned data and the operation id.
Service = Callable[[dict[str, Any], str], Any]


class InvalidOperationId(ChangeRefused):
    """The page sent an operation id that is not one of ours (400)."""


STATUS_OF_REFUSAL: list[tuple[type[ChangeRefused], int]] = [
    (NotAMember, 404),
    (NotAllowed, 403),
    (Conflict, 409),
    (TooManyChanges, 429),
    (InvalidOperationId, 400),
]


def status_of(refusal: ChangeRefused) -> int:
    return next((status for kind, status in STATUS_OF_REFUSAL if isinstance(refusal, kind)), 409)


class Answers(Protocol):
    def applied(self, event: Event, *, replayed: bool) -> HttpResponse: ...

    def invalid(self, form: forms.Form) -> HttpResponse: ...

    def refused(self, refusal: ChangeRefused, status: int) -> HttpResponse: ...


def apply_change(
    request: HttpRequest, journey: Journey, form: forms.Form, service: Service, answers: Answers
) -> HttpResponse:
    op_id = request.POST.get("op_id") or uuid.uuid4().hex
    if not OP_ID.match(op_id):
        return answers.refused(InvalidOperationId(_("The operation id is not valid.")), 400)
    if not text_only(form).is_valid():
        return answers.invalid(form)
    try:
        service(form.cleaned_data, op_id)
    except ReplayedOperation as replay:
        return answers.applied(replay.event, replayed=True)
    except ValidationError as error:
        add_errors(form, error)
        return answers.invalid(form)
    except ChangeRefused as refusal:
        return answers.refused(refusal, status_of(refusal))
    return answers.applied(Event.objects.get(journey=journey, op_id=op_id), replayed=False)


def add_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.error_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def form_problems(form: forms.Form) -> str:
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


@dataclass
class FragmentAnswers:
    """Answers for htmx forms on live pages: the out-of-band fragments of what changed, the same ones the socket
    pushes. `invalid` renders the form again with its messages (422)."""

    journey: Journey
    invalid_form: Callable[[forms.Form], str]

    def applied(self, event: Event, *, replayed: bool) -> HttpResponse:
        return fragments_answer(self.journey, event, replayed=replayed)

    def invalid(self, form: forms.Form) -> HttpResponse:
        return HttpResponse(self.invalid_form(form), status=422)

    def refused(self, refusal: ChangeRefused, status: int) -> HttpResponse:
        if isinstance(refusal, StaleEdit):
            return HttpResponse(render_conflict(refusal), status=status)
        return HttpResponse(str(refusal), status=status, content_type="text/plain; charset=utf-8")


def fragments_answer(journey: Journey, event: Event, *, replayed: bool) -> HttpResponse:
    """A fresh change answers with the fragments its push carried and its follow-ups, so the answer alone brings the
    page up to date; a replay with the current state of what it touched. The seq header lets the page tell whether
    the socket already brought it further (an answer never rolls the page back)."""
    if replayed:
        html = render_changes(journey, event.targets)
    else:
        html = render_event(journey, event) + "\n" + render_follow_ups(journey, event.targets)
    headers = {"X-Journey-Event-Seq": str(event.seq)}
    if event.targets.get("step"):  # the page can show where the change landed (a new step may be off-screen)
        headers["X-Journey-Step"] = str(event.targets["step"])
    return HttpResponse(html, headers=headers)


def member_journey(request: HttpRequest, journey_id: int) -> Journey:
    """The journey, for its members only: to anyone else it does not exist (404), whatever id they guess."""
    return get_object_or_404(selectors.journeys_for_user(request.user), pk=journey_id)


def journey_child(request: HttpRequest, journey_id: int, model: type, pk: int) -> tuple[Journey, Any]:
    journey = member_journey(request, journey_id)
    return journey, get_object_or_404(model, pk=pk, journey=journey)


@dataclass
class PageAnswers:
    """Answers for plain form pages (post, redirect, get): a message and a redirect when applied; the page again with
    what went wrong otherwise. `render_page(status, error, form)` shows the page with the bound form (or None)."""

    request: HttpRequest
    done: str
    next_url: str
    render_page: Callable[[int, str, forms.Form | None], HttpResponse]

    def applied(self, event: Event, *, replayed: bool) -> HttpResponse:
        messages.success(self.request, self.done)  # a replay is a double submit: the first one stands
        return redirect(self.next_url)

    def invalid(self, form: forms.Form) -> HttpResponse:
        return self.render_page(422, f"{_('Nothing was saved:')} {form_problems(form)}", form)

    def refused(self, refusal: ChangeRefused, status: int) -> HttpResponse:
        if isinstance(refusal, NotAMember):
            raise Http404
        return self.render_page(status, str(refusal), None)
