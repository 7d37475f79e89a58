"""The links that open a journey's report form: signed, so nobody reaches a form by guessing a journey's id, and
renewed by the facilitator (a new generation) when an old link went too far."""

from __future__ import annotations

from django.core import signing

from intake.models import IntakeSettings
from journeys.models import Journey

SALT = "intake.report-link"


def link_token(journey: Journey) -> str:
    generation = IntakeSettings.objects.filter(journey=journey).values_list("link_generation", flat=True).first()
    return signing.Signer(salt=SALT).sign(f"{journey.pk}.{generation or 0}")


def journey_of_token(token: str) -> Journey | None:
    try:
        journey_id, generation = signing.Signer(salt=SALT).unsign(token).split(".")
    except (signing.BadSignature, ValueError):
        return None
    journey = Journey.objects.filter(pk=journey_id).first()
    if journey is None:
        return None
    current = IntakeSettings.objects.filter(journey=journey).values_list("link_generation", flat=True).first()
    return journey if str(current or 0) == generation else None
