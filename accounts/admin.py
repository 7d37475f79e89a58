from __future__ import annotations

from django.contrib import admin

from accounts.models import ApiToken, DepartmentClaim


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__username"]


@admin.register(DepartmentClaim)
class DepartmentClaimAdmin(admin.ModelAdmin):
    list_display = ["value", "department"]
    search_fields = ["value", "department__name"]
