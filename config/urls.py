from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import LoginView, admin_login

urlpatterns = [
    *([path("admin/login/", admin_login)] if not settings.LOCAL_LOGIN else []),  # the admin signs in through SSO too
    path("admin/", admin.site.urls),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    *([path("oidc/", include("mozilla_django_oidc.urls"))] if settings.SSO_ENABLED else []),
    path("j/<int:journey_id>/workshop/", include("workshops.urls")),
    path("", include("boards.urls")),
    path("", include("painpoints.urls")),
    path("", include("workshops.lens_mirror_urls")),
    path("", include("dashboard.urls")),
    path("", include("exchange.urls")),
    path("", include("notifications.urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("comments.urls")),
    path("", include("webhooks.urls")),
    path("", include("intake.urls")),
    path("", include("fixes.urls")),
    path("", include("priorities.urls")),
    path("", include("versions.urls")),
]
