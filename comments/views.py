"""Comments on a step (in the step drawer and on the step's own discussion page) and the members an @mention may
name. Every comment is a change through `apply_change`; the list reaches every open drawer and page live."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from comments import selectors, services
from comments.forms import StepCommentForm
from journeys.models import Step
from web.changes import apply_live_change, journey_child, member_journey

PARTS = "comments/parts.html"


@login_required
@require_GET
def step_comments(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    """The step drawer loads the section; a link (from a notification) opens the discussion page."""
    journey, step = journey_child(request, journey_id, Step, step_id)
    context = {"journey": journey, "step": step, "comments": list(selectors.comments_on(step)), "form": None}
    if request.htmx:
        return render(request, f"{PARTS}#comments-section", context)
    return render(request, "comments/page.html", context)


@login_required
@require_POST
def step_comment_add(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    form = StepCommentForm(request.POST)

    def invalid(form: StepCommentForm) -> str:
        return render(
            request, f"{PARTS}#comment-form", {"journey": journey, "step": step, "form": form, "oob": True}
        ).content.decode()

    return apply_live_change(request, journey, form, partial(services.step_comment_add, step=step), invalid)


@login_required
@require_GET
def mention_candidates(request: HttpRequest, journey_id: int) -> JsonResponse:
    """Who an @mention on this journey can name, for the suggestion list (members only, like every journey URL)."""
    journey = member_journey(request, journey_id)
    return JsonResponse({"people": selectors.mention_candidates(journey.pk)})
