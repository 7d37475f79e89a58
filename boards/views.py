"""Board pages and the htmx endpoints that change a board. Each view: look up through membership, validate the
form, call one service, answer with the out-of-band fragments of what changed (the same ones the socket pushes).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards import flow_rendering, rendering, svg_export
from boards import forms as board_forms
from journeys import invites, permissions, selectors, services
from journeys.errors import NotAllowed
from journeys.models import Handoff, Journey, PainPoint, Step
from web.changes import (
    FragmentAnswers,
    apply_live_change,
    apply_service,
    form_problems,
    journey_child,
    member_journey,
)
from web.downloads import download_name
from web.forms import text_only
from web.ratelimit import limits_new_journeys


def form_part(name: str, **context: Any) -> Callable[[forms.Form], str]:
    """The board part a form is shown in (out of band): the GET of an edit form, and a form with problems."""
    return lambda form: rendering.render_part(name, {"form": form, **context}, oob=True)


# Pages ----------------------------------------------------------------------------------------------------------


@login_required
@limits_new_journeys
def journey_list(request: HttpRequest) -> HttpResponse:
    form = text_only(board_forms.JourneyForm(request.POST or None))
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
@require_http_methods(["GET", "POST"])
def journey_join(request: HttpRequest, invite_token: str) -> HttpResponse:
    """GET asks, POST joins: a page elsewhere that sends a logged-in visitor to the link makes nobody join."""
    journey = invites.journey_for_invite(invite_token=invite_token)
    if journey is None:
        return render(request, "boards/invite_invalid.html", status=404)
    if selectors.journeys_for_user(request.user).filter(pk=journey.pk).exists():
        return redirect("board", journey_id=journey.pk)
    if request.method == "POST":
        try:
            invites.invite_join(journey=journey, user=request.user)
        except NotAllowed as refusal:
            return render(request, "boards/invite_invalid.html", {"reason": str(refusal)}, status=403)
        return redirect("board", journey_id=journey.pk)
    return render(request, "boards/join.html", {"journey": journey})


@login_required
@require_GET
def journey_invite(request: HttpRequest, journey_id: int) -> HttpResponse:
    return invite_page(request, member_journey(request, journey_id))


@login_required
@require_POST
def journey_invite_renew(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    try:
        invites.invite_renew(journey=journey, actor=request.user)
    except NotAllowed as refusal:
        return invite_page(request, journey, status=403, error=str(refusal))
    messages.success(request, _("The invite link is renewed: the old one no longer works."))
    return redirect("journey_invite", journey_id=journey.pk)


def invite_page(request: HttpRequest, journey: Journey, *, status: int = 200, error: str = "") -> HttpResponse:
    facilitator = permissions.is_facilitator(journey, request.user)
    context = {
        "journey": journey,
        "invite_url": invite_url(request, journey),
        "facilitator": facilitator,
        "invitees": invites.joined_through_invites(journey) if facilitator else [],
        "error": error,
    }
    return render(request, "boards/invite.html", context, status=status)


def invite_url(request: HttpRequest, journey: Journey) -> str:
    return request.build_absolute_uri(reverse("journey_join", args=[journey.invite_token]))


@login_required
@require_GET
def board(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    context = {
        **rendering.map_context(journey),
        "departments": selectors.departments_for_select(),
        "step_form": board_forms.StepCreateForm(
            journey=journey, initial={"department": selectors.default_lane_department_id(journey, request.user)}
        ),
        "lane_form": board_forms.LaneForm(departments=selectors.departments_without_lane(journey)),
        "invite_url": invite_url(request, journey),
    }
    return render(request, "boards/board.html", context)


# Lanes ----------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def lane_add(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = board_forms.LaneForm(request.POST)
    service = partial(services.lane_add, journey=journey)
    return apply_live_change(request, journey, form, service, form_part("lane-form", journey=journey))


@login_required
@require_POST
def lane_move(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = board_forms.LaneMoveForm(request.POST)
    service = partial(services.lane_move, journey=journey)
    return apply_live_change(request, journey, form, service, form_part("lane-form", journey=journey))


@login_required
@require_POST
def lane_role_set(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = board_forms.LaneRoleForm(request.POST)
    service = partial(services.lane_role_set, journey=journey)
    return apply_service(request, journey, form, service, PlainRefusalAnswers(journey, form_problems))


class PlainRefusalAnswers(FragmentAnswers):
    """For a control with no form of its own to show errors in (a lane's role): the page shows the words."""

    def invalid(self, form: forms.Form) -> HttpResponse:
        return HttpResponse(form_problems(form), status=422, content_type="text/plain; charset=utf-8")


# Steps ----------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def step_create(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = board_forms.StepCreateForm(request.POST, journey=journey)

    def create(*, base_version: int | None = None, **fields: Any) -> Step:  # a new step has no version to check
        return services.step_create(journey=journey, **fields)

    return apply_live_change(request, journey, form, create, form_part("step-create-form", journey=journey))


@login_required
@require_GET
def step_detail(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    context = {
        "journey": journey,
        "step": step,
        **rendering.step_handoffs_context(step),
        **rendering.pain_point_list_context(step),
        **flow_rendering.step_routes_context(step),
        "handoff_form": board_forms.HandoffForm(journey=journey),
        "move_form": board_forms.StepMoveForm(
            journey=journey,
            initial={"department": step.department_id, "base_version": step.version},
        ),
        # The step's own department answers for a new pain point unless someone ticks others: Enter saves it.
        "pain_point_form": board_forms.PainPointForm(initial={"responsible_departments": [step.department_id]}),
        "is_facilitator": permissions.is_facilitator(journey, request.user),  # the drawer is never pushed
    }
    return render(request, "boards/parts.html#step-detail", context)


@login_required
def step_edit(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    edit_part = form_part("step-form", journey=journey, step=step)
    if request.method == "GET":
        return HttpResponse(edit_part(board_forms.StepFieldsForm.editing(step)))
    form = board_forms.StepFieldsForm(request.POST)
    return apply_live_change(request, journey, form, partial(services.step_update, step=step), edit_part)


@login_required
@require_POST
def step_move(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    form = board_forms.StepMoveForm(request.POST, journey=journey)
    invalid_form = form_part("step-move-form", journey=journey, step=step)
    return apply_live_change(request, journey, form, partial(services.step_move, step=step), invalid_form)


@login_required
@require_POST
def step_delete(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    form = board_forms.VersionedForm(request.POST)

    def step_gone(form: forms.Form) -> str:
        return rendering.render_part("step-gone", {"step_id": step.pk}, oob=True)

    return apply_live_change(request, journey, form, partial(services.step_delete, step=step), step_gone)


# Hand-offs ------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def handoff_create(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    form = board_forms.HandoffForm(request.POST, journey=journey)
    service = partial(services.handoff_create, journey=journey, from_step=step)
    return apply_live_change(request, journey, form, service, form_part("handoff-form", journey=journey, step=step))


@login_required
@require_POST
def handoff_update(request: HttpRequest, journey_id: int, handoff_id: int) -> HttpResponse:
    journey, handoff = journey_child(request, journey_id, Handoff, handoff_id)
    form = board_forms.HandoffLabelForm(request.POST)
    invalid_form = form_part("handoff-label-form", journey=journey, handoff=handoff)
    return apply_live_change(request, journey, form, partial(services.handoff_update, handoff=handoff), invalid_form)


@login_required
@require_POST
def handoff_delete(request: HttpRequest, journey_id: int, handoff_id: int) -> HttpResponse:
    journey, handoff = journey_child(request, journey_id, Handoff, handoff_id)
    form = board_forms.VersionedForm(request.POST)
    return apply_live_change(request, journey, form, partial(services.handoff_delete, handoff=handoff))


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

    def create(*, actor: Any, op_id: str, **data: Any) -> PainPoint:
        fields = _pain_point_fields(data)
        fields.pop("base_version")  # a new pain point has no version to check
        return services.pain_point_create(step=step, actor=actor, op_id=op_id, **fields)

    return apply_live_change(request, journey, form, create, form_part("pain-point-form", step=step))


@login_required
def pain_point_edit(request: HttpRequest, journey_id: int, pain_point_id: int) -> HttpResponse:
    journey, pain_point = journey_child(request, journey_id, PainPoint, pain_point_id)
    edit_part = form_part("pain-point-edit-form", pain_point=pain_point, journey=journey)
    if request.method == "GET":
        return HttpResponse(edit_part(board_forms.PainPointForm.editing(pain_point)))

    def update(*, actor: Any, op_id: str, **data: Any) -> PainPoint:
        return services.pain_point_update(pain_point=pain_point, actor=actor, op_id=op_id, **_pain_point_fields(data))

    return apply_live_change(request, journey, board_forms.PainPointForm(request.POST), update, edit_part)


@login_required
@require_POST
def pain_point_delete(request: HttpRequest, journey_id: int, pain_point_id: int) -> HttpResponse:
    journey, pain_point = journey_child(request, journey_id, PainPoint, pain_point_id)
    form = board_forms.VersionedForm(request.POST)
    return apply_live_change(request, journey, form, partial(services.pain_point_delete, pain_point=pain_point))


# Picture of the map -------------------------------------------------------------------------------------------


@login_required
@require_GET
def journey_export_svg(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    response = HttpResponse(svg_export.journey_svg(journey), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{download_name(journey, "svg")}"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"  # opened on its own
    return response


PAPERS = ("a4", "a3")


@login_required
@require_GET
def journey_print(request: HttpRequest, journey_id: int) -> HttpResponse:
    """The picture of the SVG export on a page that prints it on one landscape A4 or A3 sheet (?paper=a3)."""
    journey = member_journey(request, journey_id)
    paper = request.GET.get("paper", "a4")
    context = {
        "journey": journey,
        "paper": paper if paper in PAPERS else "a4",
        "papers": PAPERS,
        "picture": svg_export.journey_svg_inline(journey),
        "print_on_load": request.GET.get("print") == "1",
    }
    return render(request, "boards/print.html", context)
