from __future__ import annotations

from django.contrib import admin

from accounts.models import ApiToken, DepartmentClaim, SsoIdentity


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__username"]


@admin.register(DepartmentClaim)
class DepartmentClaimAdmin(admin.ModelAdmin):
    list_display = ["value", "department"]
    search_fields = ["value", "department__name"]


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "subject", "last_sign_in"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["last_sign_in"]
