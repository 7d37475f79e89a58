from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("j/<int:journey_id>/workshop/", include("workshops.urls")),
    path("", include("boards.urls")),
    path("", include("painpoints.urls")),
    path("", include("workshops.lens_mirror_urls")),
    path("", include("dashboard.urls")),
    path("", include("exchange.urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("webhooks.urls")),
]
