from __future__ import annotations

from django.urls import path

from webhooks import views

urlpatterns = [
    path("webhooks/", views.subscription_list, name="webhook_list"),
    path("webhooks/<int:subscription_id>/", views.subscription_detail, name="webhook_detail"),
    path("webhooks/<int:subscription_id>/test/", views.subscription_test, name="webhook_test"),
    path("webhooks/<int:subscription_id>/switch/", views.subscription_toggle, name="webhook_toggle"),
    path("webhooks/<int:subscription_id>/delete/", views.subscription_delete, name="webhook_delete"),
]
