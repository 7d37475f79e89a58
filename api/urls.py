from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import docs, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", docs.ApiDocs.as_view(url_name="api_schema"), name="api_docs"),
    path("journeys/", views.JourneyList.as_view(), name="api_journeys"),
    path("journeys/<int:journey_id>/", views.JourneyDetail.as_view(), name="api_journey"),
    path("journeys/<int:journey_id>/lanes/", views.LaneList.as_view(), name="api_lanes"),
    path("journeys/<int:journey_id>/steps/", views.StepList.as_view(), name="api_steps"),
    path("journeys/<int:journey_id>/handoffs/", views.HandoffList.as_view(), name="api_handoffs"),
    path("journeys/<int:journey_id>/pain-points/", views.JourneyPainPoints.as_view(), name="api_journey_pain_points"),
    path("fixes/", views.FixList.as_view(), name="api_fixes"),
    path("fixes/<int:fix_id>/", views.FixDetail.as_view(), name="api_fix"),
    path("pain-points/", views.PainPointList.as_view(), name="api_pain_points"),
    path("pain-points/<int:pain_point_id>/", views.PainPointDetail.as_view(), name="api_pain_point"),
    *[
        path(f"pain-points/<int:pain_point_id>/{action}/", view.as_view(), name=f"api_pain_point_{action}")
        for action, view in views.ACTION_VIEWS.items()
    ],
]
