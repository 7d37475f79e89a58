from __future__ import annotations

from django.urls import path

from fixes import views

urlpatterns = [
    path("fixes/", views.fix_list, name="fix_list"),
    path("fixes/new/", views.fix_new, name="fix_new"),
    path("fixes/<int:fix_id>/", views.fix_page, name="fix_page"),
    path("fixes/<int:fix_id>/edit/", views.fix_edit, name="fix_edit"),
    path("fixes/<int:fix_id>/link/", views.fix_link, name="fix_link"),
    path("fixes/<int:fix_id>/unlink/<int:pain_point_id>/", views.fix_unlink, name="fix_unlink"),
    path("fixes/<int:fix_id>/solve-all/", views.fix_solve_all, name="fix_solve_all"),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/solved-by-fix/<int:fix_id>/",
        views.pain_point_solved_by_fix,
        name="pain_point_solved_by_fix",
    ),
]
