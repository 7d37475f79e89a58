"""Board pages and the htmx endpoints that change a board. Each view: look up through membership, validate the
form, call one service, answer with the out-of-band fragments of what changed (the same ones the socket pushes).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from boards import forms as board_forms
from boards import rendering
from journeys import selectors, services
from journeys.changes import NotAMember, ReplayedOperation, StaleEdit
from journeys.models import Event, Handoff, Journey, PainPoint, Step

OP_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def member_journey(request: HttpRequest, journey_id: int) -> Journey:
    return get_object_or_404(selectors.journeys_for_user(request.user), pk=journey_id)


def journey_child(request: HttpRequest, journey_id: int, model: type, pk: int) -> tuple[Journey, Any]:
    journey = member_journey(request, journey_id)
    return journey, get_object_or_404(model, pk=pk, journey=journey)


def run_change(
    request: HttpRequest,
    journey: Journey,
    form: forms.Form,
    change: Callable[[dict[str, Any], str], Any],
    invalid: Callable[[forms.Form], str],
) -> HttpResponse:
    """Validate, apply one change with its operation id, and answer with what changed.

    A repeated operation id answers with the current state of what it changed; a stale version answers 409 with
    both values; bad input answers 422 with the form and its messages. Nothing is saved in the last two cases.
    """
    op_id = request.POST.get("op_id") or uuid.uuid4().hex
    if not OP_ID.match(op_id):
        return HttpResponseBadRequest(_("The operation id is not valid."))
    if not form.is_valid():
        return HttpResponse(invalid(form), status=422)
    replayed = False
    try:
        change(form.cleaned_data, op_id)
    except ReplayedOperation:
        replayed = True
    except StaleEdit as stale:
        return HttpResponse(render_conflict(stale), status=409)
    except ValidationError as error:
        form.add_error(None, error) if not hasattr(error, "error_dict") else _add_errors(form, error)
        return HttpResponse(invalid(form), status=422)
    except NotAMember:
        return HttpResponse(_("You are not a member of this journey."), status=404)
    event = Event.objects.get(journey=journey, op_id=op_id)
    # A replay answers with the current state of what the change touched; a fresh change with the fragments its
    # push carried and its follow-ups (by now rendered and cached for the follow-up push), so the answer alone
    # brings the page up to date. live.js compares the change's seq with the socket stream's, so it is not
    # swapped in twice.
    if replayed:
        html = rendering.render_changes(journey, event.targets)
    else:
        html = rendering.render_event(journey, event) + "\n" + rendering.render_follow_ups(journey, event.targets)
    headers = {"X-Journey-Event-Seq": event.seq}
    if event.targets.get("step"):  # the page can show where the change landed (a new step may be off-screen)
        headers["X-Journey-Step"] = event.targets["step"]
    return HttpResponse(html, headers=headers)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages in error.error_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def render_conflict(stale: StaleEdit) -> str:
    current = stale.current
    rows = [
        (_field_label(current, name), _current_value(current, name), _shown(current, name, yours))
        for name, yours in stale.attempted.items()
    ]
    return render_to_string(
        "boards/parts.html#conflict",
        {"current": current, "rows": rows, "kind": current._meta.model_name},
    )


def _field_label(row: Any, name: str) -> str:
    if name == "departments":
        return str(_("Responsible departments"))
    if name == "deleted":
        return str(_("Delete"))
    if name == "after":  # a move
        return str(_("Place after"))
    try:
        return str(row._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:  # e.g. "after" of a move
        return name.replace("_", " ").capitalize()


def _current_value(row: Any, name: str) -> Any:
    if name == "departments":
        return ", ".join(d.name for d in row.responsible_departments.all())
    if name == "deleted":
        return _("still there")
    return _shown(row, name, getattr(row, name, ""))


def _shown(row: Any, name: str, value: Any) -> str:
    """A value as the board shows it: a choice by its label in the page's language ("e-mail", "hoog"), not as stored."""
    if value is None:
        return ""
    try:
        choices = dict(row._meta.get_field(name).flatchoices)
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(value, value))


def render_form_part(name: str, form: forms.Form, **context: Any) -> str:
    return rendering.render_part(name, {"form": form, **context}, oob=True)


# Pages ----------------------------------------------------------------------------------------------------------


@login_required
def journey_list(request: HttpRequest) -> HttpResponse:
    form = board_forms.JourneyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        journey = services.journey_create(actor=request.user, **form.cleaned_data)
        return redirect("board", journey_id=journey.pk)
    journeys = selectors.journey_list_for_user(request.user)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "boards/journey_list.html",
        {"journeys": journeys, "form": form},
        status=status,
    )


@login_required
def journey_join(request: HttpRequest, invite_token: str) -> HttpResponse:
    journey = services.journey_join(invite_token=invite_token, user=request.user)
    if journey is None:
        return render(request, "boards/invite_invalid.html", status=404)
    return redirect("board", journey_id=journey.pk)


@login_required
@require_GET
def board(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    context = {
        **rendering.map_context(journey),
        "departments": selectors.departments_for_select(),
        "step_form": board_forms.StepCreateForm(
            journey=journey, initial={"department": selectors.default_lane_department_id(journey)}
        ),
        "lane_form": board_forms.LaneForm(departments=selectors.departments_without_lane(journey)),
        "invite_url": request.build_absolute_uri(reverse("journey_join", args=[journey.invite_token])),
    }
    return render(request, "boards/board.html", context)


# Lanes ----------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def lane_add(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = board_forms.LaneForm(request.POST)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.lane_add(journey=journey, actor=request.user, op_id=op_id, **data),
        lambda form: render_form_part("lane-form", form, journey=journey),
    )


@login_required
@require_POST
def lane_move(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = board_forms.LaneMoveForm(request.POST)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.lane_move(journey=journey, actor=request.user, op_id=op_id, **data),
        lambda form: render_form_part("lane-form", form, journey=journey),
    )


# Steps ----------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def step_create(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = board_forms.StepCreateForm(request.POST, journey=journey)

    def create(data: dict[str, Any], op_id: str) -> Step:
        data.pop("base_version", None)
        return services.step_create(journey=journey, actor=request.user, op_id=op_id, **data)

    return run_change(
        request,
        journey,
        form,
        create,
        lambda form: render_form_part("step-create-form", form, journey=journey),
    )


@login_required
@require_GET
def step_detail(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    context = {
        "journey": journey,
        "step": step,
        **rendering.step_handoffs_context(step),
        **rendering.pain_point_list_context(step),
        "handoff_form": board_forms.HandoffForm(journey=journey),
        "move_form": board_forms.StepMoveForm(
            journey=journey,
            initial={"department": step.department_id, "base_version": step.version},
        ),
        "pain_point_form": board_forms.PainPointForm(),
    }
    return render(request, "boards/parts.html#step-detail", context)


@login_required
def step_edit(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    if request.method == "GET":
        form = board_forms.StepFieldsForm(
            initial={
                "title": step.title,
                "description": step.description,
                "channel": step.channel,
                "duration_minutes": step.duration_minutes,
                "base_version": step.version,
            }
        )
        return HttpResponse(render_form_part("step-form", form, journey=journey, step=step))
    form = board_forms.StepFieldsForm(request.POST)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.step_update(step=step, actor=request.user, op_id=op_id, **data),
        lambda form: render_form_part("step-form", form, journey=journey, step=step),
    )


@login_required
@require_POST
def step_move(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    form = board_forms.StepMoveForm(request.POST, journey=journey)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.step_move(step=step, actor=request.user, op_id=op_id, **data),
        lambda form: render_form_part("step-move-form", form, journey=journey, step=step),
    )


@login_required
@require_POST
def step_delete(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    form = board_forms.VersionedForm(request.POST)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.step_delete(step=step, actor=request.user, op_id=op_id, **data),
        lambda form: rendering.render_part("step-gone", {"step_id": step.pk}, oob=True),
    )


# Hand-offs ------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def handoff_create(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    form = board_forms.HandoffForm(request.POST, journey=journey)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.handoff_create(
            journey=journey, actor=request.user, from_step=step, op_id=op_id, **data
        ),
        lambda form: render_form_part("handoff-form", form, journey=journey, step=step),
    )


@login_required
@require_POST
def handoff_update(request: HttpRequest, journey_id: int, handoff_id: int) -> HttpResponse:
    journey, handoff = journey_child(request, journey_id, Handoff, handoff_id)
    form = board_forms.HandoffLabelForm(request.POST)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.handoff_update(handoff=handoff, actor=request.user, op_id=op_id, **data),
        lambda form: render_form_part("handoff-label-form", form, journey=journey, handoff=handoff),
    )


@login_required
@require_POST
def handoff_delete(request: HttpRequest, journey_id: int, handoff_id: int) -> HttpResponse:
    journey, handoff = journey_child(request, journey_id, Handoff, handoff_id)
    form = board_forms.VersionedForm(request.POST)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.handoff_delete(handoff=handoff, actor=request.user, op_id=op_id, **data),
        lambda form: "",
    )


# Pain points ----------------------------------------------------------------------------------------------------


def _pain_point_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": data["text"],
        "severity": data["severity"],
        "departments": data["responsible_departments"],
        "base_version": data.get("base_version"),
    }


@login_required
@require_POST
def pain_point_create(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    form = board_forms.PainPointForm(request.POST)

    def create(data: dict[str, Any], op_id: str) -> PainPoint:
        fields = _pain_point_fields(data)
        fields.pop("base_version")
        return services.pain_point_create(step=step, actor=request.user, op_id=op_id, **fields)

    return run_change(
        request,
        journey,
        form,
        create,
        lambda form: render_form_part("pain-point-form", form, step=step),
    )


@login_required
def pain_point_edit(request: HttpRequest, journey_id: int, pain_point_id: int) -> HttpResponse:
    journey, pain_point = journey_child(request, journey_id, PainPoint, pain_point_id)
    if request.method == "GET":
        form = board_forms.PainPointForm(
            initial={
                "text": pain_point.text,
                "severity": pain_point.severity,
                "responsible_departments": list(pain_point.responsible_departments.all()),
                "base_version": pain_point.version,
            }
        )
        return HttpResponse(render_form_part("pain-point-edit-form", form, pain_point=pain_point, journey=journey))
    form = board_forms.PainPointForm(request.POST)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.pain_point_update(
            pain_point=pain_point,
            actor=request.user,
            op_id=op_id,
            **_pain_point_fields(data),
        ),
        lambda form: render_form_part("pain-point-edit-form", form, pain_point=pain_point, journey=journey),
    )


@login_required
@require_POST
def pain_point_delete(request: HttpRequest, journey_id: int, pain_point_id: int) -> HttpResponse:
    journey, pain_point = journey_child(request, journey_id, PainPoint, pain_point_id)
    form = board_forms.VersionedForm(request.POST)
    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: services.pain_point_delete(pain_point=pain_point, actor=request.user, op_id=op_id, **data),
        lambda form: "",
    )
