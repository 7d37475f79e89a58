"""The profile page: who you are here (departments, role) and your personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.forms import ApiTokenForm
from journeys.permissions import is_manager


def _render_profile(
    request: HttpRequest, *, form: ApiTokenForm, new_token: str = "", status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "new_token": new_token,
        "tokens": selectors.api_tokens_of(request.user),
        "departments": request.user.departments.all(),
        "is_manager": is_manager(request.user),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return _render_profile(request, form=ApiTokenForm())


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, form=form, status=422)
    try:
        _token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    except ValidationError as error:
        form.add_error("name", error.error_dict["name"])
        return _render_profile(request, form=form, status=422)
    # Shown on this answer only: the secret is not stored, so a reload cannot show it again.
    response = _render_profile(request, form=ApiTokenForm(), new_token=raw, status=201)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.api_token_revoke(user=request.user, token_id=token_id)
    if token is None:
        raise Http404
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("profile")
