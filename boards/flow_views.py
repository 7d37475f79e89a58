"""Failure demand and flow: the editor of a step's routes (waiting time, share of cases, %C&A) and the flow view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from boards import flow_rendering
from boards.forms import StepRoutesForm
from journeys import services
from journeys.models import Journey, Step
from web.changes import FragmentAnswers, apply_change, journey_child, member_journey


def routes_form_part(form: StepRoutesForm, journey: Journey, step: Step) -> str:
    context = {"form": form, "journey": journey, "step": step, "oob": True}
    return render_to_string(f"{flow_rendering.ROUTES}#step-routes-form", context)


@login_required
def step_routes(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    handoffs = flow_rendering.outgoing_handoffs(step)
    if request.method == "GET":
        return HttpResponse(routes_form_part(StepRoutesForm.for_handoffs(handoffs), journey, step))
    form = StepRoutesForm(request.POST, handoffs=handoffs)
    return apply_change(
        request,
        journey,
        form,
        lambda data, op_id: services.step_routes_update(
            step=step, actor=request.user, routes=form.routes(), op_id=op_id
        ),
        FragmentAnswers(journey, lambda form: routes_form_part(form, journey, step)),
    )


@login_required
@require_GET
def journey_flow(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    return render(request, flow_rendering.FLOW_VIEW, flow_rendering.flow_view_context(journey))
