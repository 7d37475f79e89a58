"""Shared fixes: the list, a fix's page (edit, link pain points of your journeys, solve them once it is done) and
the one-click "solved by its fix" on a pain point. Changes of one journey go through `web.changes.apply_change`;
changes of the fix itself (on every journey it touches at once) through `_fix_change`, which answers the same way."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fixes import selectors, services
from fixes.forms import EmptyForm, FixForm, LinkForm, VersionedForm
from fixes.models import Fix
from journeys import permissions
from journeys.errors import ChangeRefused, NotAMember
from journeys.models import PainPoint
from web.changes import PageAnswers, add_errors, apply_change, form_problems, journey_child, status_of
from web.forms import text_only

RenderPage = Callable[[int, str, forms.Form | None], HttpResponse]


def _fix_change(
    request: HttpRequest, form: forms.Form, service: Callable[[dict[str, Any]], Any], done: str, render_page: RenderPage
) -> HttpResponse:
    if not text_only(form).is_valid():
        return render_page(422, f"{_('Nothing was saved:')} {form_problems(form)}", form)
    try:
        result = service(form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        return render_page(422, f"{_('Nothing was saved:')} {form_problems(form)}", form)
    except ChangeRefused as refusal:
        if isinstance(refusal, NotAMember):
            raise Http404 from refusal
        return render_page(status_of(refusal), str(refusal), None)
    messages.success(request, done)
    return redirect(reverse("fix_page", args=[result.pk]) if isinstance(result, Fix) else request.path)


@login_required
@require_GET
def fix_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _list_page(
    request: HttpRequest, status: int = 200, error: str = "", form: forms.Form | None = None
) -> HttpResponse:
    fixes = selectors.with_counts(selectors.fixes_for_user(request.user))
    context = {
        "fixes": fixes,
        "form": form or FixForm(owners=selectors.owner_candidates(request.user)),
        "error": error,
    }
    return render(request, "fixes/list.html", context, status=status)


@login_required
@require_POST
def fix_new(request: HttpRequest) -> HttpResponse:
    form = FixForm(request.POST, owners=selectors.owner_candidates(request.user))

    def create(data: dict[str, Any]) -> Fix:
        data.pop("base_version", None)
        return services.fix_create(actor=request.user, **data)

    return _fix_change(
        request, form, create, _("The fix is saved. Link the pain points it solves."),
        lambda status, error, bound: _list_page(request, status, error, bound),
    )  # fmt: skip


def _visible_fix(request: HttpRequest, fix_id: int) -> Fix:
    return get_object_or_404(selectors.fixes_for_user(request.user), pk=fix_id)


@login_required
@require_GET
def fix_page(request: HttpRequest, fix_id: int) -> HttpResponse:
    return _fix_page(request, _visible_fix(request, fix_id))


def _fix_page(
    request: HttpRequest, fix: Fix, status: int = 200, error: str = "", bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    links, elsewhere = selectors.links_seen_by(fix, request.user)
    may_change = permissions.may_change_fix(fix.owner_id, fix.created_by_id, request.user)
    initial = {
        "base_version": fix.version, "title": fix.title, "owner": fix.owner_id, "state": fix.state,
        "target_date": fix.target_date, "description": fix.description,
    }  # fmt: skip
    owners = selectors.owner_candidates(request.user)
    context = {
        "fix": fix,
        "links": links,
        "elsewhere": elsewhere,
        "may_change": may_change,
        "edit_form": bound.get("edit") or FixForm(initial=initial, owners=owners),
        "link_form": bound.get("link") or LinkForm(pain_points=selectors.linkable_pain_points(fix, request.user)),
        "open_left": any(link.pain_point.is_open for link in links),
        "error": error,
        "op_id": uuid.uuid4().hex,
    }
    return render(request, "fixes/detail.html", context, status=status)


@login_required
@require_POST
def fix_edit(request: HttpRequest, fix_id: int) -> HttpResponse:
    fix = _visible_fix(request, fix_id)
    form = FixForm(request.POST, owners=selectors.owner_candidates(request.user))
    return _fix_change(
        request, form, lambda data: services.fix_update(fix=fix, actor=request.user, **data), _("The fix is saved."),
        lambda status, error, bound: _fix_page(request, fix, status, error, {"edit": bound} if bound else {}),
    )  # fmt: skip


@login_required
@require_POST
def fix_link(request: HttpRequest, fix_id: int) -> HttpResponse:
    fix = _visible_fix(request, fix_id)
    form = LinkForm(request.POST, pain_points=selectors.linkable_pain_points(fix, request.user))

    def render_page(status: int, error: str, bound: forms.Form | None) -> HttpResponse:
        return _fix_page(request, fix, status, error, {"link": bound} if bound else {})

    if not form.is_valid():
        return render_page(422, f"{_('Nothing was saved:')} {form_problems(form)}", form)
    pain_point = form.cleaned_data["pain_point"]
    return apply_change(
        request, pain_point.journey, form,
        lambda data, op_id: services.fix_link(fix=fix, pain_point=data["pain_point"], actor=request.user, op_id=op_id),
        PageAnswers(request, _("Linked."), reverse("fix_page", args=[fix.pk]), render_page),
    )  # fmt: skip


@login_required
@require_POST
def fix_unlink(request: HttpRequest, fix_id: int, pain_point_id: int) -> HttpResponse:
    fix = _visible_fix(request, fix_id)
    link = get_object_or_404(
        fix.links.filter(pain_point__journey__memberships__user=request.user), pain_point_id=pain_point_id
    )
    pain_point = link.pain_point
    return apply_change(
        request, pain_point.journey, EmptyForm(request.POST),
        lambda data, op_id: services.fix_unlink(fix=fix, pain_point=pain_point, actor=request.user, op_id=op_id),
        PageAnswers(request, _("Unlinked."), reverse("fix_page", args=[fix.pk]),
                    lambda status, error, bound: _fix_page(request, fix, status, error)),
    )  # fmt: skip


@login_required
@require_POST
def fix_solve_all(request: HttpRequest, fix_id: int) -> HttpResponse:
    fix = _visible_fix(request, fix_id)

    def solve_all(data: dict[str, Any]) -> Fix:
        outcome = services.fix_solve_all(fix=fix, actor=request.user)
        if outcome.left:
            messages.info(
                request,
                _("%(left)s pain points are on journeys or departments you cannot solve for: their owners decide.")
                % {"left": outcome.left},
            )
        return fix

    return _fix_change(
        request, EmptyForm(request.POST), solve_all, _("Its pain points are solved."),
        lambda status, error, bound: _fix_page(request, fix, status, error),
    )  # fmt: skip


@login_required
@require_POST
def pain_point_solved_by_fix(request: HttpRequest, journey_id: int, pain_point_id: int, fix_id: int) -> HttpResponse:
    journey, pain_point = journey_child(request, journey_id, PainPoint, pain_point_id)
    fix = get_object_or_404(Fix, pk=fix_id, links__pain_point=pain_point)
    next_url = reverse("pain_point_page", args=[journey.pk, pain_point.pk])

    def render_page(status: int, error: str, bound: forms.Form | None) -> HttpResponse:
        context = {"error": error or form_problems(bound), "next_url": next_url}
        return render(request, "fixes/refused.html", context, status=status)

    return apply_change(
        request, journey, VersionedForm(request.POST),
        lambda data, op_id: services.fix_solve_pain_point(
            fix=fix, pain_point=pain_point, actor=request.user, base_version=data["base_version"], op_id=op_id
        ),
        PageAnswers(request, _("Marked solved."), next_url, render_page),
    )  # fmt: skip
