"""The profile page: who you are here (departments, role) and your personal API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
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


class LoginView(auth_views.LoginView):
    """The sign-in page: the organisation's single sign-on button when it is configured, the password form while
    local accounts are on. With LOCAL_LOGIN=false no password is accepted (no backend checks one)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context |= {
            "sso_enabled": settings.SSO_ENABLED,
            "sso_name": settings.SSO_PROVIDER_NAME,
            "local_login": settings.LOCAL_LOGIN,
            "sso_failed": self.request.GET.get("sso") == "failed",
        }
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LOCAL_LOGIN:
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)


def admin_login(request: HttpRequest) -> HttpResponse:
    """With local accounts off, the admin's password form would refuse everyone: send people to single sign-on."""
    return redirect(f"{reverse('login')}?{urlencode({'next': request.GET.get('next', '/admin/')})}")
