from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal API token: it acts as its user, with the user's journeys and roles. Only a hash of the secret is
    stored; the person sees the secret once, when they create it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("starts with"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class DepartmentClaim(models.Model):
    """A value of the identity provider's departments claim (a group name, path or id) that means membership of a
    department. Without a row for a value, a department whose name equals the value is meant."""

    value = models.CharField(_("claim value"), max_length=200, unique=True)
    department = models.ForeignKey(
        "journeys.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )

    class Meta:
        ordering = ["value"]
        verbose_name = _("department claim")
        verbose_name_plural = _("department claims")

    def __str__(self) -> str:
        return f"{self.value} → {self.department}"


class SsoIdentity(models.Model):
    """The person at the identity provider (its `sub` claim, stable for life) that a user here signs in as."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity", verbose_name=_("user")
    )
    subject = models.CharField(_("subject (sub claim)"), max_length=255, unique=True)
    last_sign_in = models.DateTimeField(_("last sign-in"), auto_now=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")

    def __str__(self) -> str:
        return f"{self.user} = {self.subject}"
