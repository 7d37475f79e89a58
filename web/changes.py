"""The one way a view makes a change.

    return apply_change(request, journey, form, service, FragmentAnswers(journey, invalid=...))

Most views call it through `apply_service` (the service takes the user, the operation id and the form's data as
keywords) or `apply_live_change` (that, answered with FragmentAnswers):

    return apply_live_change(request, journey, form, partial(services.step_move, step=step), form_part(...))

`apply_change` checks the operation id, validates the form, runs the service (which runs inside
`journeys.changes.journey_change`, told a digest of what the request asks for: an operation id sent again with other
content is refused with 409, not answered as already applied) and maps every refusal of `journeys.errors` to one status:
404 not a member, 403 not allowed, 409 conflict (stale version, illegal transition, nothing to undo), 422 bad input, 429
too many. Nothing is saved in any of those. What the answer looks like is the view's business (its `Answers`):
out-of-band fragments for the board and the workshop tools, a redirect with a message for the plain form pages.
"""

from __future__ import annotations

import hashlib
import logging
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
from journeys.changes import event_made, operation_content
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
from live.fragments import render_changes, render_event
from web.conflicts import render_conflict
from web.forms import text_only
from web.middleware import Gone

logger = logging.getLogger(__name__)

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
    with operation_content(request_digest(request)):
        outcome = run_change(journey, lambda op: service(form.cleaned_data, op), op_id)
    if outcome.invalid is not None:
        add_errors(form, outcome.invalid)
        return answers.invalid(form)
    if outcome.refusal is not None:
        return answers.refused(outcome.refusal, status_of(outcome.refusal))
    return answers.applied(outcome.event, replayed=outcome.replayed)


@dataclass
class Outcome:
    """What became of one change: applied (`event`, `replayed` when the operation id was used before), refused
    (`refusal`, nothing saved) or invalid input (`invalid`, field by field, nothing saved)."""

    event: Event | None = None
    replayed: bool = False
    result: Any = None
    refusal: ChangeRefused | None = None
    invalid: ValidationError | None = None


def run_change(journey: Journey, service: Callable[[str], Any], op_id: str) -> Outcome:
    """Run a service under an operation id: the one write path of the pages (`apply_change`) and the API."""
    try:
        result = service(op_id)
    except ReplayedOperation as replay:
        return Outcome(event=replay.event, replayed=True)
    except ValidationError as error:
        return Outcome(invalid=error)
    except ChangeRefused as refusal:
        return Outcome(refusal=refusal)
    event = event_made(journey=journey, op_id=op_id) or Event.objects.get(journey=journey, op_id=op_id)
    return Outcome(event=event, result=result)


# What a browser sends besides the change itself: it differs between an operation's first try and its retry.
NOT_CONTENT = {"op_id", "csrfmiddlewaretoken"}


def request_digest(request: HttpRequest) -> str:
    """What the request asks for: its path, its fields and the files it carries."""
    fields = [(key, value) for key, value in request.POST.lists() if key not in NOT_CONTENT]
    files = [(key, upload.name, upload.size) for key, upload in request.FILES.items()]
    content = repr((request.path, sorted(fields), files))
    return hashlib.sha256(content.encode()).hexdigest()


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


def no_form(form: forms.Form) -> str:
    """For a control with no form of its own to come back in (a delete button): the answer carries no form."""
    return ""


def apply_service(
    request: HttpRequest, journey: Journey, form: forms.Form, service: Callable[..., Any], answers: Answers
) -> HttpResponse:
    """`apply_change` for the usual service: `service(actor=<the user>, op_id=<the operation id>, **<the form's
    data>)`, what the URL names bound first (`partial(services.step_move, step=step)`)."""
    return apply_change(
        request, journey, form, lambda data, op_id: service(actor=request.user, op_id=op_id, **data), answers
    )


def apply_live_change(
    request: HttpRequest,
    journey: Journey,
    form: forms.Form,
    service: Callable[..., Any],
    invalid_form: Callable[[forms.Form], str] = no_form,
) -> HttpResponse:
    """The usual change on a live page (`apply_service`), answered with FragmentAnswers; a form with problems comes
    back as `invalid_form(form)`."""
    return apply_service(request, journey, form, service, FragmentAnswers(journey, invalid_form))


def fragments_answer(journey: Journey, event: Event, *, replayed: bool, page: str | None = None) -> HttpResponse:
    """A fresh change answers with the fragments its push carries, rendered once for the answer and the push. The
    follow-ups (parts derived from the whole board, e.g. the insights panel) are not waited for: they reach the
    author's page by its socket, right behind the push, like every other page (live.fanout); a page whose socket
    was away gets them in its catch-up. A replay answers with the current state of what it touched. The seq header
    lets the page tell whether the socket already brought it further (an answer never rolls the page back). `page`:
    only the parts that page shows (live.fragments.PAGES), as its socket gets them; all of them for None."""
    try:
        if replayed:
            html = render_changes(journey, event.targets, page=page, follow_ups=False)
        else:
            html = render_event(journey, event, page=page)
    except Exception:  # the change is saved: say so; the page catches up from the event log
        logger.exception("Could not render the answer to event %s of journey %s", event.pk, journey.pk)
        html = ""
    headers = {"X-Journey-Event-Seq": str(event.seq)}
    if event.targets.get("step"):  # the page can show where the change landed (a new step may be off-screen)
        headers["X-Journey-Step"] = str(event.targets["step"])
    return HttpResponse(html, headers=headers)


def member_journey(request: HttpRequest, journey_id: int) -> Journey:
    """The journey, for its members only: to anyone else it does not exist (404), whatever id they guess."""
    return get_object_or_404(selectors.journeys_for_user(request.user), pk=journey_id)


def journey_child(request: HttpRequest, journey_id: int, model: type, pk: int) -> tuple[Journey, Any]:
    """The journey and one of its rows; for a row deleted meanwhile, a 404 that says so in words (web.middleware)."""
    journey = member_journey(request, journey_id)
    child = model.objects.filter(pk=pk, journey=journey).first()
    if child is None:
        raise Gone(gone_message(model))
    return journey, child


def gone_message(model: type) -> str:
    messages = {
        "step": _("This step has been deleted in the meantime, so nothing was changed."),
        "handoff": _("This hand-off has been deleted in the meantime, so nothing was changed."),
        "painpoint": _("This pain point has been deleted in the meantime, so nothing was changed."),
    }
    return messages.get(model._meta.model_name, _("This has been deleted in the meantime, so nothing was changed."))


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
