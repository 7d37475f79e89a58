"""What the API reads and writes. Output serializers describe the rows; input serializers check the shape of a
request (400 with a message per field), then the services check its meaning, with the same messages as the pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from fixes.models import Fix
from journeys.models import Department, Handoff, Journey, Lane, PainPoint, PainPointActivity, Step
from painpoints.services import display_name, is_overdue
from web.changes import OP_ID


def absolute_url(serializer: serializers.Serializer, path: str) -> str:
    """A link to a page: on the request's host for API answers, on PUBLIC_URL elsewhere (webhook messages)."""
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else settings.PUBLIC_URL.rstrip("/") + path


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return display_name(user)


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "colour"]


class JourneySerializer(serializers.ModelSerializer):
    board_url = serializers.SerializerMethodField()
    process = serializers.IntegerField(
        read_only=True,
        help_text="The id of the process this journey maps: its own id, or for a later version (a future state) the "
        "id of the process's first version. Count processes by this, not by journeys.",
    )
    version_name = serializers.CharField(read_only=True, help_text='The version\'s name ("As it should be"), or empty.')

    class Meta:
        model = Journey
        fields = ["id", "title", "description", "created_at", "seq", "board_url", "process", "version_name"]

    def get_board_url(self, journey: Journey) -> str:
        return absolute_url(self, reverse("board", args=[journey.pk]))


class LaneSerializer(serializers.ModelSerializer):
    department = DepartmentSerializer()

    class Meta:
        model = Lane
        fields = ["id", "department", "position", "role"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["id", "title", "description", "channel", "duration_minutes", "department", "position", "version"]


class HandoffSerializer(serializers.ModelSerializer):
    class Meta:
        model = Handoff
        fields = ["id", "from_step", "to_step", "label", "version"]


class ActivitySerializer(serializers.ModelSerializer):
    actor = PersonSerializer(allow_null=True)

    class Meta:
        model = PainPointActivity
        fields = ["id", "kind", "text", "from_status", "to_status", "actor", "created_at"]


class PainPointSerializer(serializers.ModelSerializer):
    step_title = serializers.CharField(source="step.title")
    responsible_departments = DepartmentSerializer(many=True)
    owner = PersonSerializer(allow_null=True)
    overdue = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = PainPoint
        fields = [
            "id",
            "journey",
            "step",
            "step_title",
            "text",
            "severity",
            "status",
            "responsible_departments",
            "owner",
            "fix_description",
            "target_date",
            "overdue",
            "resolution",
            "created_at",
            "updated_at",
            "solved_at",
            "version",
            "page_url",
        ]

    def get_overdue(self, pain_point: PainPoint) -> bool:
        return is_overdue(pain_point)

    def get_page_url(self, pain_point: PainPoint) -> str:
        return absolute_url(self, reverse("pain_point_page", args=[pain_point.journey_id, pain_point.pk]))


class PainPointDetailSerializer(PainPointSerializer):
    timeline = ActivitySerializer(many=True, source="activities")

    class Meta(PainPointSerializer.Meta):
        fields = [*PainPointSerializer.Meta.fields, "timeline"]


# Input ------------------------------------------------------------------------------------------------------------

OP_ID_HELP = (
    "Your id for this operation (8-64 letters, digits, - or _). Sending the same id again does nothing new: the answer "
    "is the current state, with the header Idempotent-Replayed: true. Without one, the header Idempotency-Key is used, "
    "else a new id."
)
TEXT = {"required": False, "allow_blank": True, "max_length": 2000, "default": ""}


class OperationInput(serializers.Serializer):
    op_id = serializers.RegexField(OP_ID, required=False, help_text=OP_ID_HELP)


class VersionedInput(OperationInput):
    base_version = serializers.IntegerField(
        min_value=1, help_text="The pain point's `version` you read; a stale one gets 409 and changes nothing."
    )


class HandOverInput(VersionedInput):
    to_user = serializers.IntegerField(required=False, help_text="The colleague's user id (or give to_username).")
    to_username = serializers.CharField(required=False, max_length=150)


class ReasonInput(VersionedInput):
    reason = serializers.CharField(**TEXT)


class PlanFixInput(VersionedInput):
    fix_description = serializers.CharField(**TEXT)
    target_date = serializers.DateField(required=False, allow_null=True, default=None)


class SolveInput(VersionedInput):
    resolution = serializers.CharField(**TEXT)


class CommentInput(OperationInput):
    text = serializers.CharField(**TEXT)


class PainPointCreateInput(OperationInput):
    step = serializers.IntegerField(help_text="A step of this journey.")
    text = serializers.CharField(max_length=300)
    severity = serializers.ChoiceField(choices=PainPoint.Severity.choices, default=PainPoint.Severity.MEDIUM)
    responsible_departments = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=True, help_text="Ids of the responsible departments."
    )


class PainPointFilters(serializers.Serializer):
    journey = serializers.IntegerField(required=False)
    department = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=PainPoint.Status.choices, required=False)
    severity = serializers.ChoiceField(choices=PainPoint.Severity.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    current_version = serializers.IntegerField(required=False)


class FixSerializer(serializers.ModelSerializer):
    """A shared fix with the pain points it is linked to that the reader may see (their journeys; managers: all)."""

    owner = PersonSerializer(allow_null=True)
    pain_points = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Fix
        fields = ["id", "title", "description", "state", "target_date", "owner", "created_at", "done_at", "version",
                  "pain_points", "url"]  # fmt: skip

    def get_pain_points(self, fix: Fix) -> list[int]:
        return [link.pain_point_id for link in fix.seen_links]

    def get_url(self, fix: Fix) -> str:
        return absolute_url(self, reverse("fix_page", args=[fix.pk]))
