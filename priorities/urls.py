from __future__ import annotations

from django.urls import path

from priorities import views

urlpatterns = [
    path("j/<int:journey_id>/value-effort/", views.value_effort, name="value_effort"),
    path(
        "j/<int:journey_id>/value-effort/pain-points/<int:pain_point_id>/",
        views.pain_point_score,
        name="pain_point_score",
    ),
    path("j/<int:journey_id>/value-effort/fixes/<int:fix_id>/", views.fix_score, name="fix_score"),
]
