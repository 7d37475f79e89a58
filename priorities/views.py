"""The value versus effort matrix of a journey: the SVG, the numbers behind it, and scoring each open pain point
and fix. Scoring is a plain form post through `web.changes.apply_change` (a fix: through its own services, which
change every journey it touches)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fixes.models import Fix
from journeys.errors import ChangeRefused
from journeys.models import PainPoint
from priorities import matrix, selectors, services
from priorities.forms import ScoreForm
from web.changes import PageAnswers, add_errors, apply_service, journey_child, member_journey, status_of


@login_required
@require_GET
def value_effort(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _page(request, member_journey(request, journey_id))


def _page(request: HttpRequest, journey: Any, status: int = 200, error: str = "") -> HttpResponse:
    items = selectors.matrix_items(journey)
    for item in items:
        initial = {name: getattr(item, name) for name in ("business_value", "effort")}
        initial["customer_value"] = None if item.customer_from_dots else item.customer_value
        item.form = ScoreForm(initial=initial, prefix=f"{item.kind}-{item.pk}")
    context = {"journey": journey, "items": items, "chart": matrix.matrix(items), "error": error}
    return render(request, "priorities/matrix.html", context, status=status)


def _answers(request: HttpRequest, journey: Any) -> PageAnswers:
    return PageAnswers(
        request, _("Score saved."), reverse("value_effort", args=[journey.pk]),
        lambda status, error, bound: _page(request, journey, status, error),
    )  # fmt: skip


@login_required
@require_POST
def pain_point_score(request: HttpRequest, journey_id: int, pain_point_id: int) -> HttpResponse:
    journey, pain_point = journey_child(request, journey_id, PainPoint, pain_point_id)
    form = ScoreForm(request.POST, prefix=f"pain_point-{pain_point.pk}")
    service = partial(services.pain_point_score, pain_point=pain_point)
    return apply_service(request, journey, form, service, _answers(request, journey))


@login_required
@require_POST
def fix_score(request: HttpRequest, journey_id: int, fix_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    fix = get_object_or_404(Fix.objects.distinct(), pk=fix_id, links__pain_point__journey=journey)
    form = ScoreForm(request.POST, prefix=f"fix-{fix.pk}")
    answers = _answers(request, journey)
    if not form.is_valid():
        return answers.invalid(form)
    try:
        services.fix_score(fix=fix, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        return answers.invalid(form)
    except ChangeRefused as refusal:
        return answers.refused(refusal, status_of(refusal))
    messages.success(request, _("Score saved."))
    return redirect(reverse("value_effort", args=[journey.pk]))
