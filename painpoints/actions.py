"""The pain point actions as one table: how to call each lifecycle service with validated input. The pages
(painpoints/views.py, with their forms) and the API (api/, with its serializers) both call through it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from journeys.models import PainPoint
from painpoints import services as lifecycle

# (pain point, actor, validated data, operation id) -> what the service returns
Service = Callable[[PainPoint, Any, dict[str, Any], str], Any]

SERVICES: dict[str, Service] = {
    "pick_up": lambda pp, user, data, op: lifecycle.pain_point_pick_up(
        pain_point=pp, actor=user, base_version=data["base_version"], op_id=op
    ),
    "hand_over": lambda pp, user, data, op: lifecycle.pain_point_hand_over(
        pain_point=pp, actor=user, to_user_id=data["to_user"], base_version=data["base_version"], op_id=op
    ),
    "give_back": lambda pp, user, data, op: lifecycle.pain_point_give_back(
        pain_point=pp, actor=user, reason=data["reason"], base_version=data["base_version"], op_id=op
    ),
    "plan_fix": lambda pp, user, data, op: lifecycle.pain_point_plan_fix(
        pain_point=pp,
        actor=user,
        fix_description=data["fix_description"],
        target_date=data["target_date"],
        base_version=data["base_version"],
        op_id=op,
    ),
    "solve": lambda pp, user, data, op: lifecycle.pain_point_solve(
        pain_point=pp, actor=user, resolution=data["resolution"], base_version=data["base_version"], op_id=op
    ),
    "wont_fix": lambda pp, user, data, op: lifecycle.pain_point_mark_wont_fix(
        pain_point=pp, actor=user, reason=data["reason"], base_version=data["base_version"], op_id=op
    ),
    "reopen": lambda pp, user, data, op: lifecycle.pain_point_reopen(
        pain_point=pp, actor=user, reason=data["reason"], base_version=data["base_version"], op_id=op
    ),
    "comment": lambda pp, user, data, op: lifecycle.pain_point_comment(
        pain_point=pp, actor=user, text=data["text"], op_id=op
    ),
}
