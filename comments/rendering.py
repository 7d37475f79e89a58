"""The comments list of a step, pushed to every open step drawer and discussion page when someone comments (or
undoes a comment, or changes the step: the targets name the step). Nothing here depends on the viewer."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from comments.selectors import comments_on
from journeys.models import Journey, Step
from live.fragments import named_step, register_fragments

PARTS = "comments/parts.html"


def comments_list(step: Step, *, oob: bool) -> str:
    return render_to_string(f"{PARTS}#comments-list", {"step": step, "comments": list(comments_on(step)), "oob": oob})


@register_fragments("step")
def step_comments_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    step = named_step(journey, targets)
    return [comments_list(step, oob=True)] if step is not None else []
