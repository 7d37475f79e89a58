"""Record today's failure demand and flow figures of every journey: a first fill after upgrading (from then on every
change to a board records them; see dashboard/flow_history.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dashboard.flow_history import flow_day_record
from journeys.models import Journey


class Command(BaseCommand):
    help = "Record today's failure demand and flow figures of every journey (the dashboard shows how they move)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for journey in Journey.objects.order_by("pk").iterator():
            flow_day_record(journey=journey)
            count += 1
        self.stdout.write(f"Recorded today's flow figures of {count} journeys.")
