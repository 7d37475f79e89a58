from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dashboard.pain_point_weeks import keep_all


class Command(BaseCommand):
    help = (
        "Count every journey's pain point flow per week again and keep it for the dashboard (after a bulk change "
        "outside the app, or a new TIME_ZONE; the dashboard counts any journey whose kept weeks are out of date)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = keep_all()
        self.stdout.write(f"Counted the weeks of {count} journeys.")
