from __future__ import annotations

from django.urls import path

from painpoints import views

urlpatterns = [
    path("pain-points/", views.my_pain_points, name="my_pain_points"),
    path("pain-points/export.csv", views.my_pain_points_csv, name="my_pain_points_csv"),
    path("pain-points/rows/", views.my_pain_points_rows, name="my_pain_points_rows"),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/",
        views.pain_point_page,
        name="pain_point_page",
    ),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/actions/",
        views.pain_point_actions,
        name="pain_point_actions",
    ),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/do/<slug:action>/",
        views.pain_point_act,
        name="pain_point_act",
    ),
]
