"""Pages for the owners of pain points: "Pain points for my departments" with its CSV export, and one pain point's
page with its timeline and the actions of its lifecycle. An action is an hx-post answered with fragments: the parts
the change pushes to every pain point page, and the viewer's own actions as they are now (no page reload). Without
JavaScript it is a plain form post (post, redirect, get). The change reaches every open board through
`journey_change` like any other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from journeys import permissions, selectors
from journeys.errors import ChangeRefused, NotAMember, StaleEdit
from journeys.models import Event, Journey, PainPoint
from painpoints import forms as pp_forms
from painpoints import rendering as pain_point_rendering
from painpoints import selectors as pp_selectors
from painpoints import services as lifecycle
from painpoints.actions import SERVICES, Service
from web import csv_export
from web.changes import PageAnswers, apply_change, form_problems, fragments_answer, journey_child

# action -> (form, the service it calls (painpoints/actions.py, shared with the API), the message after success)
ACTIONS: dict[str, tuple[type[forms.Form], Service, str]] = {
    "pick_up": (pp_forms.VersionedForm, SERVICES["pick_up"], gettext_lazy("You picked up this pain point.")),
    "hand_over": (pp_forms.HandOverForm, SERVICES["hand_over"], gettext_lazy("Handed over.")),
    "give_back": (
        pp_forms.ReasonForm,
        SERVICES["give_back"],
        gettext_lazy("Given back: it is open for someone else to pick up."),
    ),
    "plan_fix": (pp_forms.PlanFixForm, SERVICES["plan_fix"], gettext_lazy("The fix is planned.")),
    "solve": (pp_forms.SolveForm, SERVICES["solve"], gettext_lazy("Marked solved.")),
    "wont_fix": (pp_forms.ReasonForm, SERVICES["wont_fix"], gettext_lazy("Marked won't fix.")),
    "reopen": (pp_forms.ReasonForm, SERVICES["reopen"], gettext_lazy("Reopened.")),
    "comment": (pp_forms.CommentForm, SERVICES["comment"], gettext_lazy("Comment added.")),
}


# The owners' list and its export ----------------------------------------------------------------------------------


def _owner_rows(request: HttpRequest) -> tuple[pp_forms.OwnerFilterForm, list[PainPoint]]:
    form = pp_forms.OwnerFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return form, list(pp_selectors.pain_points_for_departments(user=request.user, filters=filters))


def _owner_list_context(request: HttpRequest) -> dict[str, Any]:
    marker = pp_selectors.owner_list_marker(request.user)  # before the rows: see owner_list_marker
    form, rows = _owner_rows(request)
    return {"form": form, "rows": rows, "marker": marker, "journey_ids": sorted({row.journey_id for row in rows})}


@login_required
@require_GET
def my_pain_points(request: HttpRequest) -> HttpResponse:
    context = _owner_list_context(request)
    form = context["form"]
    context |= {
        "has_departments": bool(form.fields["department"].queryset),
        "query": request.GET.urlencode(),
    }
    return render(request, "painpoints/list.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def my_pain_points_rows(request: HttpRequest) -> HttpResponse:
    """The rows region of the list with the page's own filters: what a live list refetches when a doorbell rings."""
    context = _owner_list_context(request)
    if context["form"].errors:
        return HttpResponse(_filter_problems(context["form"]), status=400, content_type="text/plain; charset=utf-8")
    return render(request, "painpoints/parts.html#owner-list", context)


def _filter_problems(form: forms.Form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@login_required
@require_GET
def my_pain_points_csv(request: HttpRequest) -> HttpResponse:
    form, rows = _owner_rows(request)
    if form.errors:
        return HttpResponse(_filter_problems(form), status=400, content_type="text/plain; charset=utf-8")
    response, writer = csv_export.csv_response(f"pain-points-{timezone.localdate().isoformat()}.csv")
    csv_export.write_rows(writer, [csv_columns()])
    csv_export.write_rows(writer, (csv_row(request, pain_point) for pain_point in rows))
    return response


def csv_columns() -> list[str]:
    return [
        _("Journey"),
        _("Step"),
        _("Pain point"),
        _("Severity"),
        _("State"),
        _("Responsible departments"),
        _("Owner"),
        _("What changes"),
        _("Target date"),
        _("Overdue"),
        _("Resolution"),
        _("Opened"),
        _("Age (days)"),
        _("Solved on"),
        pgettext("CSV column", "Link"),  # the address of the pain point's page, not the "Link" button of a hand-off
    ]


def csv_row(request: HttpRequest, pain_point: PainPoint) -> list[Any]:
    now = timezone.now()
    solved_at = timezone.localtime(pain_point.solved_at).date().isoformat() if pain_point.solved_at else ""
    return [
        pain_point.journey.title,
        pain_point.step.title,
        pain_point.text,
        pain_point.get_severity_display(),
        pain_point.get_status_display(),
        ", ".join(d.name for d in pain_point.responsible_departments.all()),
        lifecycle.display_name(pain_point.owner),
        pain_point.fix_description,
        pain_point.target_date.isoformat() if pain_point.target_date else "",
        _("yes") if lifecycle.is_overdue(pain_point) else "",
        pain_point.resolution,
        timezone.localtime(pain_point.created_at).date().isoformat(),
        (now - pain_point.created_at).days,
        solved_at,
        request.build_absolute_uri(f"/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/"),
    ]


# One pain point -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def pain_point_page(request: HttpRequest, journey_id: int, pain_point_id: int) -> HttpResponse:
    journey = selectors.journeys_for_user(request.user).filter(pk=journey_id).first()
    if journey is None and permissions.is_manager(request.user):
        # Managers follow the owners' list and the dashboard anywhere; off their journeys they only read.
        return _render_page(request, get_object_or_404(Journey, pk=journey_id), pain_point_id, on_journey=False)
    if journey is None:
        raise Http404
    return _render_page(request, journey, pain_point_id)


@login_required
@require_POST
def pain_point_act(request: HttpRequest, journey_id: int, pain_point_id: int, action: str) -> HttpResponse:
    journey, pain_point = journey_child(request, journey_id, PainPoint, pain_point_id)
    if action not in ACTIONS:
        raise Http404
    form_class, service, done = ACTIONS[action]
    form = form_class(request.POST)

    def render_page(status: int, error: str, bound: forms.Form | None) -> HttpResponse:
        bound_forms = {action: bound} if bound is not None else {}
        return _render_page(request, journey, pain_point.pk, status=status, error=error, bound=bound_forms)

    next_url = reverse("pain_point_page", args=[journey.pk, pain_point.pk])
    if request.htmx:
        answers = PainPointFragmentAnswers(request, journey, pain_point.pk, action)
    else:
        answers = PainPointPageAnswers(request, str(done), next_url, render_page)
    return apply_change(
        request, journey, form, lambda data, op_id: service(pain_point, request.user, data, op_id), answers
    )


@dataclass
class PainPointFragmentAnswers:
    """An action from the live page: the parts its push brings every pain point page, then the viewer's own actions
    and comment form as they are now (both out of band, morphed). A form with problems comes back with them (422); a
    refusal is one line of text, which the page shows in its alert line."""

    request: HttpRequest
    journey: Journey
    pain_point_id: int
    action: str

    def applied(self, event: Event, *, replayed: bool) -> HttpResponse:
        response = fragments_answer(self.journey, event, replayed=replayed, page=pain_point_rendering.PAGE[0])
        response.write("\n" + self.own_parts({}, error=""))
        return response

    def invalid(self, form: forms.Form) -> HttpResponse:
        error = f"{_('Nothing was saved:')} {form_problems(form)}"
        return HttpResponse(self.own_parts({self.action: form}, error=error), status=422)

    def refused(self, refusal: ChangeRefused, status: int) -> HttpResponse:
        if isinstance(refusal, NotAMember):
            raise Http404
        message = str(refusal)
        if isinstance(refusal, StaleEdit):
            message = _("Someone changed this pain point while you were looking. Nothing was saved: check, then retry.")
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")

    def own_parts(self, bound: dict[str, forms.Form], *, error: str) -> str:
        context = {
            **_page_context(self.request, self.journey, self.pain_point_id, bound=bound, on_journey=True),
            "oob": True,
            "error": error,
        }
        names = ("painpoints/actions.html", "painpoints/comment_form.html", "painpoints/feedback.html")
        return "\n".join(render_to_string(name, context, request=self.request) for name in names)


class PainPointPageAnswers(PageAnswers):
    def refused(self, refusal: ChangeRefused, status: int) -> HttpResponse:
        if isinstance(refusal, StaleEdit):
            message = _("Someone changed this pain point while you were looking. Nothing was saved: check, then retry.")
            return self.render_page(status, message, None)
        return super().refused(refusal, status)


def _render_page(
    request: HttpRequest,
    journey: Journey,
    pain_point_id: int,
    *,
    status: int = 200,
    error: str = "",
    bound: dict[str, forms.Form] | None = None,
    on_journey: bool = True,
) -> HttpResponse:
    context = _page_context(request, journey, pain_point_id, bound=bound or {}, on_journey=on_journey)
    return render(request, "painpoints/detail.html", {**context, "error": error}, status=status)


def _page_context(
    request: HttpRequest, journey: Journey, pain_point_id: int, *, bound: dict[str, forms.Form], on_journey: bool
) -> dict[str, Any]:
    pain_point = pp_selectors.pain_point_for_page(journey, pain_point_id)
    if pain_point is None:
        raise Http404
    return {
        "journey": journey,
        "pain_point": pain_point,
        "timeline": list(selectors.pain_point_timeline(pain_point)),
        "on_journey": on_journey,
        **(_action_context(request.user, pain_point, bound) if on_journey else _read_only_context(pain_point)),
    }


@login_required
@require_GET
def pain_point_actions(request: HttpRequest, journey_id: int, pain_point_id: int) -> HttpResponse:
    """The viewer's own actions, with the pushed parts out of band: what a live page refetches after a push moved
    the pain point on (or after a whole-board snapshot). Only for members: the read-only page has no socket."""
    journey = get_object_or_404(selectors.journeys_for_user(request.user), pk=journey_id)
    context = _page_context(request, journey, pain_point_id, bound={}, on_journey=True)
    actions = render_to_string("painpoints/actions.html", context, request=request)
    parts = pain_point_rendering.page_parts(context["pain_point"], context["timeline"])
    return HttpResponse("\n".join([actions, *parts]))


def _action_context(user: Any, pain_point: PainPoint, bound: dict[str, forms.Form]) -> dict[str, Any]:
    facilitator = permissions.is_facilitator(pain_point.journey_id, user)
    may_act = facilitator or permissions.in_responsible_department(pain_point, user)
    actions = lifecycle.available_actions(
        pain_point, may_act=may_act, is_owner=pain_point.owner_id == user.pk, facilitator=facilitator
    )
    initial = {
        "base_version": pain_point.version,
        "fix_description": pain_point.fix_description,
        "target_date": pain_point.target_date,
    }
    action_forms = {
        name: {
            "form": bound.get(name) or ACTIONS[name][0](initial=initial),
            "op_id": uuid.uuid4().hex,
            "done": ACTIONS[name][2],
        }
        for name in actions
    }
    return {
        "may_act": may_act,
        "actions": action_forms,
        "candidates": _colleagues(pain_point, user) if "hand_over" in actions else [],
        "departments": lifecycle.department_names(pain_point),
    }


def _read_only_context(pain_point: PainPoint) -> dict[str, Any]:
    # Every action, commenting included, goes through journey_change, which refuses anyone not on the journey.
    return {"may_act": False, "actions": {}, "candidates": [], "departments": lifecycle.department_names(pain_point)}


def _colleagues(pain_point: PainPoint, user: Any) -> list[Any]:
    # Handing it to yourself is picking it up: the viewer is not offered.
    return [colleague for colleague in pp_selectors.hand_over_candidates(pain_point) if colleague.pk != user.pk]
