"""The board's version bar: which version of the process this board is, pushed when a version is named or started."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from journeys.models import Journey
from live.fragments import BOARD_AND_PROJECTOR, register_fragments
from versions.models import JourneyVersion


def render_bar(journey: Journey, *, oob: bool) -> str:
    version = JourneyVersion.objects.filter(journey=journey).first()
    return render_to_string("versions/bar.html", {"journey": journey, "version": version, "oob": oob})


@register_fragments("versions", pages=BOARD_AND_PROJECTOR)
def version_bar_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return [render_bar(journey, oob=True)]
