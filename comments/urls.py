from __future__ import annotations

from django.urls import path

from comments import views

urlpatterns = [
    path("j/<int:journey_id>/steps/<int:step_id>/comments/", views.step_comments, name="step_comments"),
    path("j/<int:journey_id>/steps/<int:step_id>/comments/add/", views.step_comment_add, name="step_comment_add"),
    path("j/<int:journey_id>/people/", views.mention_candidates, name="mention_candidates"),
]
