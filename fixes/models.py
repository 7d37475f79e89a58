"""Shared fixes: one improvement, with its owner, state and target date, that solves pain points on any journeys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import PainPoint


class Fix(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_fixes",
        verbose_name=_("owner"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PLANNED)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)
    pain_points = models.ManyToManyField(
        PainPoint, through="FixLink", related_name="fixes", verbose_name=_("pain points")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shared fix")
        verbose_name_plural = _("shared fixes")

    def __str__(self) -> str:
        return self.title


class FixLink(models.Model):
    fix = models.ForeignKey(Fix, on_delete=models.CASCADE, related_name="links")
    pain_point = models.ForeignKey(PainPoint, on_delete=models.CASCADE, related_name="fix_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["fix", "pain_point"], name="one_link_per_fix_and_pain_point")]

    def __str__(self) -> str:
        return f"{self.fix} → {self.pain_point}"
