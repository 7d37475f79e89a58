from __future__ import annotations

from django.urls import path

from dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<str:table>.csv", views.dashboard_export, name="dashboard_export"),
]
