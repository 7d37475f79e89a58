"""The report form behind a journey's signed link (colleagues logged in; anyone, when the facilitator opened the
public form) and the journey's triage queue. Every write goes through `web.changes.apply_change`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intake import links, selectors, services
from intake.forms import AcceptForm, DismissForm, IntakeSettingsForm, MergeForm, ReportForm
from intake.models import Report
from journeys import permissions
from journeys.models import Journey
from web.changes import PageAnswers, apply_change, apply_service, member_journey
from web.ratelimit import Limit, hit


def intake_reports() -> Limit:
    return Limit("intake-reports", settings.INTAKE_REPORTS_PER_HOUR, 3600)


# The report form ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, token: str) -> HttpResponse:
    journey = links.journey_of_token(token)
    if journey is None:
        return render(request, "intake/closed.html", status=404)
    public = not request.user.is_authenticated
    if public and not selectors.public_form_open(journey):
        return redirect_to_login(request.get_full_path())
    steps = selectors.steps_offered(journey, public=public)
    if request.method == "GET":
        return _report_page(request, journey, ReportForm(steps=steps, public=public), public=public)
    wait = hit(intake_reports(), f"user:{request.user.pk}" if not public else f"ip:{request.META.get('REMOTE_ADDR')}")
    form = ReportForm(request.POST, steps=steps, public=public)
    if wait:
        error = _("Many reports came in from here in the last hour. Nothing was saved: please try again later.")
        response = _report_page(request, journey, form, public=public, status=429, error=error)
        response["Retry-After"] = str(wait)
        return response
    thanks = reverse("intake_thanks", args=[token])
    if public and request.POST.get("website"):  # the honeypot: a robot filled in the field people never see
        return _thanks_page(request, journey, public=public)

    def render_page(status: int, error: str, bound: forms.Form | None) -> HttpResponse:
        return _report_page(request, journey, bound or form, public=public, status=status, error=error)

    def submit(data: dict[str, Any], op_id: str) -> Report:
        return services.report_submit(
            journey=journey,
            text=data["text"],
            step=data["step"],
            reporter=request.user,
            reporter_name=data.get("reporter_name", ""),
            email=data.get("email", ""),
            language=get_language(),
            public=public,
            op_id=op_id,
        )

    return apply_change(
        request, journey, form, submit, PageAnswers(request, _("Thank you: your report is in."), thanks, render_page)
    )


def _report_page(
    request: HttpRequest, journey: Journey, form: ReportForm, *, public: bool, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {
        "journey_title": journey.title,
        "form": form,
        "public": public,
        "error": error,
        "op_id": uuid.uuid4().hex,
    }
    return render(request, "intake/report_form.html", context, status=status)


@require_GET
def report_thanks(request: HttpRequest, token: str) -> HttpResponse:
    journey = links.journey_of_token(token)
    if journey is None:
        return render(request, "intake/closed.html", status=404)
    return _thanks_page(request, journey, public=not request.user.is_authenticated)


def _thanks_page(request: HttpRequest, journey: Journey, *, public: bool) -> HttpResponse:
    return render(request, "intake/thanks.html", {"journey_title": journey.title, "public": public})


# The triage queue -----------------------------------------------------------------------------------------------

TRIAGE: dict[str, tuple[type[forms.Form], Callable[..., Any]]] = {
    "accept": (AcceptForm, services.report_accept),
    "merge": (MergeForm, services.report_merge),
    "dismiss": (DismissForm, services.report_dismiss),
}
DONE = gettext_lazy("Done. Choose the next report.")


@login_required
@require_GET
def triage_queue(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _queue_page(request, member_journey(request, journey_id))


@login_required
@require_POST
def report_triage(request: HttpRequest, journey_id: int, report_id: int, action: str) -> HttpResponse:
    journey = member_journey(request, journey_id)
    report = get_object_or_404(Report, pk=report_id, journey=journey)
    if action not in TRIAGE:
        return HttpResponse(status=404)
    form_class, service = TRIAGE[action]
    extra = {"journey": journey} if action != "dismiss" else {}
    form = form_class(request.POST, prefix=f"r{report.pk}", **extra)

    def render_page(status: int, error: str, bound: forms.Form | None) -> HttpResponse:
        return _queue_page(
            request, journey, status=status, error=error, bound={(report.pk, action): bound} if bound else {}
        )

    answers = PageAnswers(request, str(DONE), reverse("intake_queue", args=[journey.pk]), render_page)
    return apply_service(request, journey, form, partial(service, report=report), answers)


@login_required
@require_POST
def intake_settings(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    form = IntakeSettingsForm(request.POST, journey=journey)

    def render_page(status: int, error: str, bound: forms.Form | None) -> HttpResponse:
        return _queue_page(request, journey, status=status, error=error, settings_form=bound)

    update = partial(services.intake_settings_update, journey=journey)
    done = _("The report settings are saved.")
    answers = PageAnswers(request, done, reverse("intake_queue", args=[journey.pk]), render_page)
    return apply_service(request, journey, form, update, answers)


def _queue_page(
    request: HttpRequest,
    journey: Journey,
    *,
    status: int = 200,
    error: str = "",
    bound: dict[tuple[int, str], forms.Form] | None = None,
    settings_form: forms.Form | None = None,
) -> HttpResponse:
    may_triage = permissions.may_triage_reports(journey, request.user)
    pending = [
        _with_forms(report, journey, bound or {}) if may_triage else report
        for report in selectors.pending_reports(journey)
    ]
    context = {
        "journey": journey,
        "pending": pending,
        "handled": list(selectors.handled_reports(journey)),
        "may_triage": may_triage,
        "error": error,
        "op_id": uuid.uuid4().hex,
    }
    if permissions.is_facilitator(journey, request.user):
        context |= _settings_context(request, journey, settings_form)
    return render(request, "intake/queue.html", context, status=status)


def _with_forms(report: Report, journey: Journey, bound: dict[tuple[int, str], forms.Form]) -> Report:
    initial = {"base_version": report.version, "text": report.text[:300], "step": report.step_id}
    report.forms = {
        "accept": bound.get((report.pk, "accept"))
        or AcceptForm(initial=initial, journey=journey, prefix=f"r{report.pk}"),
        "merge": bound.get((report.pk, "merge")) or MergeForm(initial=initial, journey=journey, prefix=f"r{report.pk}"),
        "dismiss": bound.get((report.pk, "dismiss")) or DismissForm(initial=initial, prefix=f"r{report.pk}"),
    }
    return report


def _settings_context(request: HttpRequest, journey: Journey, bound: forms.Form | None) -> dict[str, Any]:
    current = selectors.settings_of(journey)
    initial = (
        {"public_enabled": current.public_enabled, "public_steps": list(current.public_steps.all())} if current else {}
    )
    link = request.build_absolute_uri(reverse("intake_report", args=[links.link_token(journey)]))
    return {
        "settings_form": bound or IntakeSettingsForm(initial=initial, journey=journey),
        "report_link": link,
        "public_open": bool(current and current.public_enabled),
    }
