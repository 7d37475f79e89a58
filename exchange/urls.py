from __future__ import annotations

from django.urls import path

from exchange import views

urlpatterns = [
    path("import/", views.journey_import, name="journey_import"),
    path("import/departments/", views.journey_import_departments, name="journey_import_departments"),
    path("j/<int:journey_id>/export.json", views.journey_export, name="journey_export"),
    path("j/<int:journey_id>/copy/", views.journey_copy, name="journey_copy"),
]
