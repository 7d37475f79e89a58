from __future__ import annotations

from django.urls import path

from versions import views

urlpatterns = [
    path("j/<int:journey_id>/versions/", views.versions_page, name="journey_versions"),
    path("j/<int:journey_id>/versions/name/", views.version_name, name="version_name"),
    path("j/<int:journey_id>/versions/start/", views.version_start, name="version_start"),
    path("j/<int:journey_id>/versions/compare/<int:other_id>/", views.version_compare, name="version_compare"),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/answer/<int:other_id>/",
        views.pain_point_answer,
        name="pain_point_answer",
    ),
]
