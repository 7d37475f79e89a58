from __future__ import annotations

from django.urls import path

from intake import views

urlpatterns = [
    path("report/<str:token>/", views.report_form, name="intake_report"),
    path("report/<str:token>/thanks/", views.report_thanks, name="intake_thanks"),
    path("j/<int:journey_id>/reports/", views.triage_queue, name="intake_queue"),
    path("j/<int:journey_id>/reports/settings/", views.intake_settings, name="intake_settings"),
    path("j/<int:journey_id>/reports/<int:report_id>/<str:action>/", views.report_triage, name="intake_report_triage"),
]
