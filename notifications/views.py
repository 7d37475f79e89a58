"""The inbox, the bell, a person's preferences and the unsubscribe link. These are a person's own things, not
changes to a journey: they do not go through `journey_change` (no sequence number, nothing to push to a board)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications import selectors, services
from notifications.emails import read_unsubscribe_token
from notifications.forms import PreferencesForm
from notifications.models import Notification
from notifications.preferences import preferences_of

PER_PAGE = 30


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), PER_PAGE).get_page(request.GET.get("page"))
    if request.GET.get("region") == "list":  # an open inbox refetches its list when the bell rings
        return render(request, "notifications/parts.html#inbox-list", {"page": page})
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell alone: what an open page refetches when its doorbell rings."""
    return render(request, "notifications/parts.html#bell")


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go where it leads (a link in the inbox: reading is the only thing it changes)."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.notification_open(notification=notification, reader=request.user)
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) and notification.url.startswith("/")
    return redirect(notification.url if safe else "notifications_inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(reader=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications_inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = PreferencesForm.for_preferences(preferences_of(request.user))
        return render(request, "notifications/preferences.html", {"form": form})
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            services.preferences_update(
                user=request.user,
                deliveries=form.deliveries(),
                digest=form.cleaned_data["digest"],
                email_enabled=form.cleaned_data["email_enabled"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form}, status=422)


@csrf_exempt  # mail programs post here for one-click unsubscribe (RFC 8058); the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link checkers in mail servers open links); POST stops the e-mail."""
    payload = read_unsubscribe_token(token)
    if payload is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.email_unsubscribe(token=token)
        return render(request, "notifications/unsubscribe.html", {"done": True, "has_account": "u" in payload})
    return render(request, "notifications/unsubscribe.html", {"token": token, "has_account": "u" in payload})
