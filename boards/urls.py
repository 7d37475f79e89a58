from __future__ import annotations

from django.urls import path

from boards import flow_views, undo_views, views

urlpatterns = [
    path("", views.journey_list, name="journey_list"),
    path("join/<str:invite_token>/", views.journey_join, name="journey_join"),
    path("j/<int:journey_id>/", views.board, name="board"),
    path("j/<int:journey_id>/invite/", views.journey_invite, name="journey_invite"),
    path("j/<int:journey_id>/invite/renew/", views.journey_invite_renew, name="journey_invite_renew"),
    path("j/<int:journey_id>/lanes/add/", views.lane_add, name="lane_add"),
    path("j/<int:journey_id>/lanes/move/", views.lane_move, name="lane_move"),
    path("j/<int:journey_id>/lanes/role/", views.lane_role_set, name="lane_role_set"),
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

urlpatterns += [
    path("j/<int:journey_id>/export.svg", views.journey_export_svg, name="journey_export_svg"),
    path("j/<int:journey_id>/print/", views.journey_print, name="journey_print"),
]

urlpatterns += [
    path("j/<int:journey_id>/steps/<int:step_id>/routes/", flow_views.step_routes, name="step_routes"),
    path("j/<int:journey_id>/flow/", flow_views.journey_flow, name="journey_flow"),
]
