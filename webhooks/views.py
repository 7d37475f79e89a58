"""Webhook pages: the subscriptions you manage (a journey's facilitator, or a manager), their delivery log and a
"send a test event" button. Anyone else gets 404 for a subscription."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from web.changes import add_errors
from webhooks import selectors, services
from webhooks.forms import SubscriptionForm
from webhooks.models import Subscription
from webhooks.registry import EVENT_TYPES


def _managed(request: HttpRequest, subscription_id: int) -> Subscription:
    subscription = get_object_or_404(Subscription, pk=subscription_id)
    if not services.may_manage(request.user, subscription):
        raise Http404
    return subscription


@login_required
@require_http_methods(["GET", "POST"])
def subscription_list(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None, user=request.user)
    may_subscribe = bool(form.fields["journey"].queryset) or bool(form.fields["department"].queryset)
    refusal, status = "", 200
    if request.method == "POST" and not may_subscribe:
        refusal, status = _("Only the journey's facilitator or a manager can add a webhook for it."), 403
    elif request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscription_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Webhook added. Send a test event to check that it arrives."))
            return redirect("webhook_detail", subscription.pk)
    context = {"form": form, "subscriptions": selectors.subscriptions_managed_by(request.user)}
    context |= {"may_subscribe": may_subscribe, "refusal": refusal}
    return render(request, "webhooks/list.html", context, status=422 if form.errors and not refusal else status)


@login_required
@require_GET
def subscription_detail(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = _managed(request, subscription_id)
    context: dict[str, Any] = {
        "subscription": subscription,
        "deliveries": selectors.delivery_log(subscription),
        "event_labels": [EVENT_TYPES.get(name, name) for name in subscription.event_types],
    }
    return render(request, "webhooks/detail.html", context)


@login_required
@require_POST
def subscription_test(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = _managed(request, subscription_id)
    delivery = services.test_event_send(actor=request.user, subscription=subscription)
    attempt = delivery.attempt_log.get()
    if attempt.succeeded:
        messages.success(
            request, _("Test event delivered: the address answered %(code)s.") % {"code": attempt.status_code}
        )
    else:
        problem = attempt.error or _("it answered %(code)s") % {"code": attempt.status_code}
        messages.error(request, _("The test event did not arrive: %(problem)s.") % {"problem": problem})
    return redirect("webhook_detail", subscription.pk)


@login_required
@require_POST
def subscription_toggle(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = _managed(request, subscription_id)
    services.subscription_set_active(actor=request.user, subscription=subscription, active=not subscription.active)
    messages.success(request, _("Webhook switched on.") if subscription.active else _("Webhook switched off."))
    return redirect("webhook_detail", subscription.pk)


@login_required
@require_POST
def subscription_delete(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = _managed(request, subscription_id)
    services.subscription_delete(actor=request.user, subscription=subscription)
    messages.success(request, _("Webhook deleted."))
    return redirect("webhook_list")
