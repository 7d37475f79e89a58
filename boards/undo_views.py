"""Undo and redo buttons: each POST takes back (or puts back) the participant's own last change."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from journeys import undo
from journeys.errors import ChangeRefused
from journeys.models import Event
from web.changes import FragmentAnswers, apply_service, member_journey, no_form


class UndoAnswers(FragmentAnswers):
    def refused(self, refusal: ChangeRefused, status: int) -> HttpResponse:
        return HttpResponse(render_to_string("boards/notice.html", {"message": str(refusal)}), status=status)


def _apply(request: HttpRequest, journey_id: int, action: Callable[..., Event]) -> HttpResponse:
    journey = member_journey(request, journey_id)
    answers = UndoAnswers(journey, invalid_form=no_form)
    return apply_service(request, journey, forms.Form(request.POST), partial(action, journey=journey), answers)


@login_required
@require_POST
def change_undo(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _apply(request, journey_id, undo.change_undo)


@login_required
@require_POST
def change_redo(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _apply(request, journey_id, undo.change_redo)
