from __future__ import annotations

from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.inbox, name="notifications_inbox"),
    path("notifications/bell/", views.bell, name="notifications_bell"),
    path("notifications/read-all/", views.mark_all_read, name="notifications_read_all"),
    path("notifications/settings/", views.preferences, name="notification_preferences"),
    path("notifications/<int:notification_id>/", views.notification_open, name="notification_open"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications_unsubscribe"),
]
