"""The versions page (name this version, start the next one from it) and the comparison of two versions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from journeys import permissions
from journeys.models import Journey, PainPoint
from versions import compare, selectors, services
from versions.forms import PainPointAnswerForm, VersionNameForm
from web.changes import PageAnswers, apply_change, apply_service, journey_child, member_journey


@login_required
@require_GET
@vary_on_headers("HX-Request")
def versions_page(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _page(request, member_journey(request, journey_id))


def _page(request: HttpRequest, journey: Journey, status: int = 200, error: str = "") -> HttpResponse:
    context = {
        **live_context(journey),
        "journey": journey,
        "version": selectors.version_of(journey),
        "versions": selectors.versions_for_user(journey, request.user),
        "is_facilitator": permissions.is_facilitator(journey, request.user),
        "error": error,
    }
    template = "versions/page.html#versions-body" if request.htmx and status == 200 else "versions/page.html"
    return render(request, template, context, status=status)


def live_context(journey: Journey) -> dict[str, str]:
    """The doorbell socket of the process's versions pages, and the marker of what this render shows: read before the
    render reads anything, so a change in between makes the next heartbeat refetch rather than go unnoticed."""
    return {
        "doorbell": f"/ws/versions/{journey.pk}/",
        "marker": selectors.family_marker(journey.pk),
    }


def _page_answers(request: HttpRequest, journey: Journey, done: str) -> PageAnswers:
    def render_page(status: int, error: str, form: forms.Form | None) -> HttpResponse:
        return _page(request, journey, status, error)

    return PageAnswers(request, done, reverse("journey_versions", args=[journey.pk]), render_page)


def _named_change(request: HttpRequest, journey_id: int, service: Callable[..., Any], done: str) -> HttpResponse:
    """A version change that takes a name (naming this version, starting the next one), answered on the page."""
    journey = member_journey(request, journey_id)
    answers = _page_answers(request, journey, done)
    return apply_service(request, journey, VersionNameForm(request.POST), partial(service, journey=journey), answers)


@login_required
@require_POST
def version_name(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _named_change(request, journey_id, services.version_name, _("The version is named."))


@login_required
@require_POST
def version_start(request: HttpRequest, journey_id: int) -> HttpResponse:
    done = _("The new version is ready: a copy to change into the process as it should be.")
    return _named_change(request, journey_id, services.version_start, done)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def version_compare(request: HttpRequest, journey_id: int, other_id: int) -> HttpResponse:
    before, after = version_pair(request, journey_id, other_id)
    template = "versions/compare.html#compare-body" if request.htmx else "versions/compare.html"
    return render(request, template, compare_context(before, after))


def version_pair(request: HttpRequest, journey_id: int, other_id: int) -> tuple[Journey, Journey]:
    """Two versions of one process (or one journey with itself: nothing changed), both the user's: any other pair does
    not exist (404), so a compare URL tells nobody whether an unrelated journey is there."""
    before, after = member_journey(request, journey_id), member_journey(request, other_id)
    if before.pk != after.pk and not selectors.same_family(before.pk, after.pk):
        raise Http404
    return before, after


def compare_context(before: Journey, after: Journey) -> dict:
    live = live_context(before)
    steps_before, steps_after = selectors.step_facts(before), selectors.step_facts(after)
    result = compare.compare(steps_before, selectors.handoff_facts(before), steps_after, selectors.handoff_facts(after))
    was, now = {s.id: s.title for s in steps_before}, {s.id: s.title for s in steps_after}
    return {
        "handoffs_added": [(now[h.source], now[h.target]) for h in result.handoffs_added],
        "handoffs_removed": [(was[h.source], was[h.target]) for h in result.handoffs_removed],
        "handoffs_changed": [(now[c.after.source], now[c.after.target]) for c in result.handoffs_changed],
        "before": before,
        "after": after,
        "before_version": selectors.version_of(before),
        "after_version": selectors.version_of(after),
        "comparison": result,
        "figures": list(
            zip(_figure_rows(), _values(selectors.figures(before)), _values(selectors.figures(after)), strict=True)
        ),
        "pain_points": selectors.pain_points_with_answers(before),
        "answer_form": PainPointAnswerForm(answering=after),
        **live,
    }


def _figure_rows() -> list[str]:
    return [
        _("Steps"),
        _("Hand-offs"),
        _("Hand-offs across departments"),
        _("Repeat-contact loops"),
        _("Longest route (steps)"),
        _("Contacts per customer question"),
        _("Lead time of the main route"),
    ]


def _values(figures: selectors.Figures) -> list:
    loops = f"{figures.loops}+" if figures.loops_truncated else figures.loops
    return [
        figures.steps,
        figures.handoffs,
        figures.crossings,
        loops,
        figures.longest_route,
        figures.contacts,
        figures.lead_minutes,
    ]


@login_required
@require_POST
def pain_point_answer(request: HttpRequest, journey_id: int, pain_point_id: int, other_id: int) -> HttpResponse:
    journey, other = version_pair(request, journey_id, other_id)
    journey, pain_point = journey_child(request, journey_id, PainPoint, pain_point_id)
    next_url = reverse("version_compare", args=[journey.pk, other.pk])

    def render_page(status: int, error: str, form: forms.Form | None) -> HttpResponse:
        return render(
            request, "versions/compare.html", {**compare_context(journey, other), "error": error}, status=status
        )

    return apply_change(
        request,
        journey,
        PainPointAnswerForm(request.POST, answering=other),
        lambda data, op_id: services.pain_point_answer_set(
            pain_point=pain_point, step=data["step"], actor=request.user, op_id=op_id
        ),
        PageAnswers(request, _("The pain point's answer is saved."), next_url, render_page),
    )
