from __future__ import annotations

websocket_urlpatterns: list = []

# Manager dashboards: a doorbell when pain points change.
from django.urls import path  # noqa: E402

from boards.dashboard_live import DashboardConsumer  # noqa: E402

websocket_urlpatterns += [path("ws/dashboard/", DashboardConsumer.as_asgi())]
