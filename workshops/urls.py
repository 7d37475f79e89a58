from __future__ import annotations

from django.urls import path, re_path

from workshops import views

# Included from config/urls.py under "j/<int:journey_id>/workshop/".
urlpatterns = [
    path("indicator/measure/", views.indicator_measure, name="workshop_indicator_measure"),
    path("indicator/", views.indicator_set, name="workshop_indicator_set"),
    path("voting/start/", views.voting_start, name="workshop_voting_start"),
    path("voting/mine/", views.my_dots, name="workshop_my_dots"),
    path("voting/<int:round_id>/end/", views.voting_end, name="workshop_voting_end"),
    path("voting/<int:round_id>/tallies/", views.voting_tallies, name="workshop_voting_tallies"),
    path("voting/<int:round_id>/place/", views.dot_place, name="workshop_dot_place"),
    path("voting/<int:round_id>/remove/", views.dot_remove, name="workshop_dot_remove"),
    re_path(r"^timer/(?P<action>start|pause|reset)/$", views.timer_action, name="workshop_timer"),
    path("clock/", views.clock, name="workshop_clock"),
    path("focus/", views.focus_set, name="workshop_focus"),
    path("projector/", views.projector, name="workshop_projector"),
]
