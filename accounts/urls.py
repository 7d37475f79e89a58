from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("account/", views.profile, name="profile"),
    path("account/tokens/", views.api_token_create, name="api_token_create"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
