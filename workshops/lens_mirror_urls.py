from __future__ import annotations

from django.urls import path

from workshops import lens_mirror_views

# Included at the root: the customer lens in the step drawer and the mirror survey page.
urlpatterns = [
    path("j/<int:journey_id>/steps/<int:step_id>/lens/", lens_mirror_views.lens_section, name="lens_section"),
    path(
        "j/<int:journey_id>/steps/<int:step_id>/lens/<int:question_id>/",
        lens_mirror_views.lens_answer,
        name="lens_answer",
    ),
    path("j/<int:journey_id>/mirror/", lens_mirror_views.mirror_survey, name="mirror_survey"),
    path("j/<int:journey_id>/mirror/estimates/", lens_mirror_views.mirror_estimates, name="mirror_estimates"),
    path(
        "j/<int:journey_id>/mirror/customer-score/", lens_mirror_views.customer_score_enter, name="customer_score_enter"
    ),
    path(
        "j/<int:journey_id>/mirror/customer-scores/",
        lens_mirror_views.customer_scores_enter,
        name="customer_scores_enter",
    ),
    path("j/<int:journey_id>/mirror/import/", lens_mirror_views.customer_scores_import, name="customer_scores_import"),
    path("j/<int:journey_id>/mirror/reveal/", lens_mirror_views.mirror_reveal, name="mirror_reveal"),
]
