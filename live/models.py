from __future__ import annotations

from django.conf import settings
from django.db import models


class BoardPresence(models.Model):
    """One open journey socket (of the board, the projector, the mirror survey or a pain point page). Rows live in the
    database so every daphne process sees every participant."""

    journey = models.ForeignKey("journeys.Journey", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    # The language the socket's page is in: pushes are rendered only in languages someone is watching in.
    language = models.CharField(max_length=15)
    # The page the socket serves (live.fragments.PAGES): each page is sent only the parts it shows.
    page = models.CharField(max_length=20, default="board")
    # Refreshed by the socket's heartbeat; a row of a killed process goes stale and is pruned.
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "boards_boardpresence"  # the table it had when it lived in boards

    def __str__(self) -> str:
        return f"{self.user} on {self.journey_id}"
