from __future__ import annotations

from typing import Any

from channels.security.websocket import OriginValidator
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import path, re_path, register_converter

from config.origins import SameOriginValidator
from dashboard.consumers import DashboardConsumer
from live.consumers import BoardConsumer
from live.fragments import PAGES
from live.not_found import IdConverter, NotFoundConsumer
from notifications.consumers import BellConsumer
from painpoints.consumers import OwnerListConsumer
from versions.consumers import VersionsConsumer

register_converter(IdConverter, "id")

websocket_urlpatterns: list = [
    path("ws/j/<id:journey_id>/", BoardConsumer.as_asgi()),
    # The journey's other live pages: each is sent only the parts it shows (live.fragments.PAGES).
    *(path(f"ws/j/<id:journey_id>/{page}/", BoardConsumer.as_asgi(), {"page": page}) for page in PAGES[1:]),
    # Manager dashboards: a doorbell when pain points change.
    path("ws/dashboard/", DashboardConsumer.as_asgi()),
    # Owners' lists ("Pain points for my departments"): a doorbell when a pain point of one of my departments changes.
    path("ws/pain-points/", OwnerListConsumer.as_asgi()),
    # A process's versions list and comparisons: a doorbell when any of its versions changes.
    path("ws/versions/<id:journey_id>/", VersionsConsumer.as_asgi()),
    # The bell in every page's header: a doorbell when the person's notifications change.
    path("ws/notifications/", BellConsumer.as_asgi()),
    # Anything else, an id too long for the database included: accepted, then closed with 4404.
    re_path(r"", NotFoundConsumer.as_asgi()),
]


def origin_checked(app: Any) -> Any:
    """Only pages of our own site may open a socket (the session cookie would ride along from any site): by default
    the socket's own origin (scheme, host and port; see config/origins.py), or the explicit
    WEBSOCKET_ALLOWED_ORIGINS, which a broad ALLOWED_HOSTS needs."""
    if settings.WEBSOCKET_ALLOWED_ORIGINS:
        without_scheme = [origin for origin in settings.WEBSOCKET_ALLOWED_ORIGINS if "://" not in origin]
        if without_scheme:  # Channels would then compare the host name only, whatever the scheme and port
            raise ImproperlyConfigured(
                f"WEBSOCKET_ALLOWED_ORIGINS needs whole origins with their scheme, e.g. https://board.example.org "
                f"(not {without_scheme[0]})."
            )
        return OriginValidator(app, settings.WEBSOCKET_ALLOWED_ORIGINS)
    if any(host == "*" or host.startswith(".") for host in settings.ALLOWED_HOSTS):
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is broad: set WEBSOCKET_ALLOWED_ORIGINS to the origins that serve the board "
            "(e.g. https://board.example.org)."
        )
    return SameOriginValidator(app)
