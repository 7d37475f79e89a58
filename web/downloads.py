from __future__ import annotations

from django.utils.text import slugify

from journeys.models import Journey


def download_name(journey: Journey, extension: str) -> str:
    """A file name people recognise in their downloads folder: the customer question, then the journey's id."""
    return f"{slugify(journey.title)[:60] or 'journey'}-{journey.pk}.{extension}"
