from __future__ import annotations

from django.contrib import admin

from journeys.models import (
    Department,
    FormerMember,
    Handoff,
    Journey,
    Lane,
    Membership,
    PainPoint,
    PainPointActivity,
    Step,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "colour"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class LaneInline(admin.TabularInline):
    model = Lane
    extra = 0


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ["title", "created_by", "created_at", "seq"]
    search_fields = ["title"]
    readonly_fields = ["invite_token", "invite_renewed_at", "seq", "version"]
    inlines = [MembershipInline, LaneInline]


@admin.register(FormerMember)
class FormerMemberAdmin(admin.ModelAdmin):
    """Who was removed from which journey: an invite link issued before `removed_at` does not let them back in.
    Deleting a row here lets that person join again through the current link."""

    list_display = ["user", "journey", "removed_at"]
    list_filter = ["journey"]
    readonly_fields = ["user", "journey", "removed_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["title", "journey", "department", "channel", "position"]
    list_filter = ["journey", "department"]
    search_fields = ["title"]


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin):
    list_display = ["from_step", "to_step", "label", "journey"]
    list_filter = ["journey"]


class ActivityInline(admin.TabularInline):
    model = PainPointActivity
    extra = 0
    readonly_fields = [
        "actor",
        "kind",
        "text",
        "from_status",
        "to_status",
        "created_at",
    ]


@admin.register(PainPoint)
class PainPointAdmin(admin.ModelAdmin):
    list_display = ["text", "journey", "severity", "status", "owner", "created_at"]
    list_filter = ["status", "severity", "journey", "responsible_departments"]
    search_fields = ["text"]
    filter_horizontal = ["responsible_departments"]
    inlines = [ActivityInline]


# Customer lens and mirror survey ---------------------------------------------------------------------------------
# The organisation edits its customer-lens questions here; retiring one (active off) keeps its answers.

from journeys.models import CustomerScore, LensQuestion, MirrorSurvey  # noqa: E402


@admin.register(LensQuestion)
class LensQuestionAdmin(admin.ModelAdmin):
    list_display = ["text_en", "text_nl", "position", "active"]
    list_editable = ["position", "active"]
    ordering = ["position", "id"]


@admin.register(MirrorSurvey)
class MirrorSurveyAdmin(admin.ModelAdmin):
    list_display = ["journey", "revealed_at"]


@admin.register(CustomerScore)
class CustomerScoreAdmin(admin.ModelAdmin):
    list_display = ["journey", "step", "score", "responses", "updated_at"]
    list_filter = ["journey"]
