from __future__ import annotations

from typing import Any

from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import path, re_path

from dashboard.consumers import DashboardConsumer
from live.consumers import BoardConsumer
from painpoints.consumers import OwnerListConsumer

websocket_urlpatterns: list = [
    path("ws/j/<int:journey_id>/", BoardConsumer.as_asgi()),
    # The journey's other live pages: each is sent only the parts it shows (live.fragments.PAGES).
    re_path(r"^ws/j/(?P<journey_id>\d+)/(?P<page>projector|mirror|pain-point)/$", BoardConsumer.as_asgi()),
    # Manager dashboards: a doorbell when pain points change.
    path("ws/dashboard/", DashboardConsumer.as_asgi()),
    # Owners' lists ("Pain points for my departments"): a doorbell when a pain point of one of my departments changes.
    path("ws/pain-points/", OwnerListConsumer.as_asgi()),
]


def origin_checked(app: Any) -> Any:
    """Only pages of our own site may open a board socket (the session cookie would ride along from any site).

    AllowedHostsOriginValidator lets every origin through when ALLOWED_HOSTS holds "*", so a broad ALLOWED_HOSTS
    needs the explicit WEBSOCKET_ALLOWED_ORIGINS list.
    """
    if settings.WEBSOCKET_ALLOWED_ORIGINS:
        return OriginValidator(app, settings.WEBSOCKET_ALLOWED_ORIGINS)
    if any(host == "*" or host.startswith(".") for host in settings.ALLOWED_HOSTS):
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is broad: set WEBSOCKET_ALLOWED_ORIGINS to the origins that serve the board "
            "(e.g. https://board.example.org)."
        )
    return AllowedHostsOriginValidator(app)
