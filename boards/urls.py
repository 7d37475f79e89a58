from __future__ import annotations

from django.urls import path

from boards import undo_views, views

urlpatterns = [
    path("", views.journey_list, name="journey_list"),
    path("join/<str:invite_token>/", views.journey_join, name="journey_join"),
    path("j/<int:journey_id>/", views.board, name="board"),
    path("j/<int:journey_id>/lanes/add/", views.lane_add, name="lane_add"),
    path("j/<int:journey_id>/lanes/move/", views.lane_move, name="lane_move"),
    path("j/<int:journey_id>/steps/add/", views.step_create, name="step_create"),
    path("j/<int:journey_id>/steps/<int:step_id>/", views.step_detail, name="step_detail"),
    path(
        "j/<int:journey_id>/steps/<int:step_id>/edit/",
        views.step_edit,
        name="step_edit",
    ),
    path(
        "j/<int:journey_id>/steps/<int:step_id>/move/",
        views.step_move,
        name="step_move",
    ),
    path(
        "j/<int:journey_id>/steps/<int:step_id>/delete/",
        views.step_delete,
        name="step_delete",
    ),
    path(
        "j/<int:journey_id>/steps/<int:step_id>/handoffs/add/",
        views.handoff_create,
        name="handoff_create",
    ),
    path(
        "j/<int:journey_id>/handoffs/<int:handoff_id>/edit/",
        views.handoff_update,
        name="handoff_update",
    ),
    path(
        "j/<int:journey_id>/handoffs/<int:handoff_id>/delete/",
        views.handoff_delete,
        name="handoff_delete",
    ),
    path(
        "j/<int:journey_id>/steps/<int:step_id>/pain-points/add/",
        views.pain_point_create,
        name="pain_point_create",
    ),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/edit/",
        views.pain_point_edit,
        name="pain_point_edit",
    ),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/delete/",
        views.pain_point_delete,
        name="pain_point_delete",
    ),
]

urlpatterns += [
    path("j/<int:journey_id>/undo/", undo_views.change_undo, name="change_undo"),
    path("j/<int:journey_id>/redo/", undo_views.change_redo, name="change_redo"),
]

# Workshop tools: customer lens and mirror survey (boards/workshop_views.py)
from boards import workshop_views  # noqa: E402

urlpatterns += [
    path("j/<int:journey_id>/steps/<int:step_id>/lens/", workshop_views.lens_section, name="lens_section"),
    path(
        "j/<int:journey_id>/steps/<int:step_id>/lens/<int:question_id>/",
        workshop_views.lens_answer,
        name="lens_answer",
    ),
    path("j/<int:journey_id>/mirror/", workshop_views.mirror_survey, name="mirror_survey"),
    path("j/<int:journey_id>/mirror/estimates/", workshop_views.mirror_estimates, name="mirror_estimates"),
    path("j/<int:journey_id>/mirror/customer-score/", workshop_views.customer_score_enter, name="customer_score_enter"),
    path("j/<int:journey_id>/mirror/import/", workshop_views.customer_scores_import, name="customer_scores_import"),
    path("j/<int:journey_id>/mirror/reveal/", workshop_views.mirror_reveal, name="mirror_reveal"),
]

# Export, import, copy (issue 7)
from boards import exchange_views  # noqa: E402

urlpatterns += [
    path("import/", exchange_views.journey_import, name="journey_import"),
    path("j/<int:journey_id>/export.json", exchange_views.journey_export, name="journey_export"),
    path("j/<int:journey_id>/export.svg", exchange_views.journey_export_svg, name="journey_export_svg"),
    path("j/<int:journey_id>/copy/", exchange_views.journey_copy, name="journey_copy"),
]

# Manager dashboard
from boards import dashboard_views  # noqa: E402

urlpatterns += [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/export/<str:table>.csv", dashboard_views.dashboard_export, name="dashboard_export"),
]

# Pain points from tag to fix: the owners' list, its export, one pain point's page and its lifecycle actions.
from boards import pain_point_views  # noqa: E402

urlpatterns += [
    path("pain-points/", pain_point_views.my_pain_points, name="my_pain_points"),
    path("pain-points/export.csv", pain_point_views.my_pain_points_csv, name="my_pain_points_csv"),
    path("pain-points/rows/", pain_point_views.my_pain_points_rows, name="my_pain_points_rows"),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/",
        pain_point_views.pain_point_page,
        name="pain_point_page",
    ),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/actions/",
        pain_point_views.pain_point_actions,
        name="pain_point_actions",
    ),
    path(
        "j/<int:journey_id>/pain-points/<int:pain_point_id>/do/<slug:action>/",
        pain_point_views.pain_point_act,
        name="pain_point_act",
    ),
]
