"""Undo and redo buttons: each POST takes back (or puts back) the participant's own last change."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import rendering
from boards.views import OP_ID, member_journey
from journeys import undo
from journeys.changes import ReplayedOperation
from journeys.models import Event


def _apply(request: HttpRequest, journey_id: int, action: Callable[..., Event]) -> HttpResponse:
    journey = member_journey(request, journey_id)
    op_id = request.POST.get("op_id") or uuid.uuid4().hex
    if not OP_ID.match(op_id):
        return HttpResponseBadRequest(_("The operation id is not valid."))
    try:
        event = action(journey=journey, actor=request.user, op_id=op_id)
    except ReplayedOperation as replay:
        event = replay.event
    except undo.CannotUndo as refusal:
        return HttpResponse(render_to_string("boards/notice.html", {"message": refusal.message}), status=409)
    return HttpResponse(rendering.render_changes(journey, event.targets))


@login_required
@require_POST
def change_undo(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _apply(request, journey_id, undo.change_undo)


@login_required
@require_POST
def change_redo(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _apply(request, journey_id, undo.change_redo)
