"""Thin views of the workshop tools: look up through membership, validate, call one service, answer with the
fragments the live layer pushes. A non-member gets 404 everywhere; a participant trying a facilitator action 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from boards import rendering
from journeys.models import Journey
from web.changes import apply_live_change, member_journey
from workshops import forms as workshop_forms
from workshops import fragments, selectors, services
from workshops.models import VotingRound
from workshops.qr import qr_svg


def _message(form: forms.Form, message_id: str) -> str:
    errors = [str(message) for messages in form.errors.values() for message in messages]
    return fragments.render("workshop-message", {"errors": errors, "message_id": message_id})


def change(
    request: HttpRequest,
    journey: Journey,
    form: forms.Form,
    service: Callable[..., Any],
    message_id: str = "workshop-message",
) -> HttpResponse:
    """A workshop tool's change (see apply_live_change); a form with problems says so in the tool's message line."""
    return apply_live_change(request, journey, form, service, lambda form: _message(form, message_id))


def _round(request: HttpRequest, journey_id: int, round_id: int) -> tuple[Journey, VotingRound]:
    journey = member_journey(request, journey_id)
    return journey, get_object_or_404(VotingRound, pk=round_id, journey=journey)


# Customer indicator ------------------------------------------------------------------------------------------------


def journey_form_change(
    request: HttpRequest,
    journey_id: int,
    form_class: type[forms.Form],
    service: Callable[..., Any],
    message_id: str = "workshop-message",
    form_takes_journey: bool = False,
) -> HttpResponse:
    """A change of the journey itself from one form: `service(journey=, actor=, op_id=, **cleaned_data)`."""
    journey = member_journey(request, journey_id)
    return change(
        request,
        journey,
        form_class(request.POST, journey=journey) if form_takes_journey else form_class(request.POST),
        partial(service, journey=journey),
        message_id,
    )


@login_required
@require_POST
def indicator_set(request: HttpRequest, journey_id: int) -> HttpResponse:
    return journey_form_change(
        request, journey_id, workshop_forms.IndicatorForm, services.customer_indicator_set, "indicator-message"
    )


@login_required
@require_POST
def indicator_measure(request: HttpRequest, journey_id: int) -> HttpResponse:
    return journey_form_change(
        request, journey_id, workshop_forms.ScoreForm, services.indicator_measurement_record, "indicator-message"
    )


# Dot-voting -------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def voting_start(request: HttpRequest, journey_id: int) -> HttpResponse:
    return journey_form_change(request, journey_id, workshop_forms.VotingStartForm, services.voting_round_start)


def round_change(
    request: HttpRequest,
    journey_id: int,
    round_id: int,
    service: Callable[..., Any],
    form_class: type[forms.Form] = forms.Form,
    form_takes_journey: bool = False,
) -> HttpResponse:
    """A change of one voting round from one form: `service(voting=, actor=, op_id=, **cleaned_data)`."""
    journey, voting = _round(request, journey_id, round_id)
    form = form_class(request.POST, journey=journey) if form_takes_journey else form_class(request.POST)
    return change(request, journey, form, partial(service, voting=voting))


@login_required
@require_POST
def voting_end(request: HttpRequest, journey_id: int, round_id: int) -> HttpResponse:
    return round_change(request, journey_id, round_id, services.voting_round_end)


@login_required
@require_POST
def voting_tallies(request: HttpRequest, journey_id: int, round_id: int) -> HttpResponse:
    return round_change(request, journey_id, round_id, services.voting_tallies_show, workshop_forms.TalliesForm)


@login_required
@require_POST
def dot_place(request: HttpRequest, journey_id: int, round_id: int) -> HttpResponse:
    return round_change(
        request, journey_id, round_id, services.dot_place, workshop_forms.PainPointVoteForm, form_takes_journey=True
    )


@login_required
@require_POST
def dot_remove(request: HttpRequest, journey_id: int, round_id: int) -> HttpResponse:
    return round_change(
        request, journey_id, round_id, services.dot_remove, workshop_forms.PainPointVoteForm, form_takes_journey=True
    )


@login_required
@require_GET
def my_dots(request: HttpRequest, journey_id: int) -> HttpResponse:
    """The viewer's own dots in the latest round: fetched by workshop.js after each voting push."""
    journey = member_journey(request, journey_id)
    voting = selectors.latest_round(journey)
    return JsonResponse(selectors.dots_of(voting, request.user) if voting else {"round": None})


# Timer ------------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def timer_action(request: HttpRequest, journey_id: int, action: str) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = workshop_forms.TimerForm(request.POST)

    def apply(*, actor: Any, op_id: str, **data: Any) -> Any:
        common = {"journey": journey, "actor": actor, "op_id": op_id}
        if action == "pause":
            return services.timer_pause(**common)
        if action == "reset":
            return services.timer_reset(duration_seconds=form.duration_seconds(), **common)
        return services.timer_start(duration_seconds=form.duration_seconds(), **common)

    return change(request, journey, form, apply)


@login_required
@require_GET
def clock(request: HttpRequest, journey_id: int) -> HttpResponse:
    """The server's time, so browsers count down on the server clock, not their own."""
    member_journey(request, journey_id)
    return JsonResponse({"now": fragments.epoch_ms(timezone.now())}, headers={"Cache-Control": "no-store"})


# Focus and the projector --------------------------------------------------------------------------------


@login_required
@require_POST
def focus_set(request: HttpRequest, journey_id: int) -> HttpResponse:
    return journey_form_change(
        request, journey_id, workshop_forms.FocusForm, services.focus_set, form_takes_journey=True
    )


@login_required
@require_GET
def projector(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    invite_url = request.build_absolute_uri(reverse("journey_join", args=[journey.invite_token]))
    context = {
        **rendering.map_context(journey),
        **fragments.indicator_context(journey),
        **fragments.timer_context(journey),
        **fragments.voting_context(journey),
        **fragments.focus_context(journey),
        "invite_url": invite_url,
        "invite_qr": qr_svg(invite_url, title=_("Scan to join this board")),
    }
    return render(request, "workshops/projector.html", context)
