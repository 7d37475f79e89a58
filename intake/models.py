"""Pain points reported from outside the workshop, waiting in a journey's triage queue, and each journey's intake
settings (its public form, off by default, and the steps that form may name)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, PainPoint, Step

REPORT_MAX_LENGTH = 1000


class IntakeSettings(models.Model):
    journey = models.OneToOneField(
        Journey, on_delete=models.CASCADE, related_name="intake_settings", verbose_name=_("journey")
    )
    public_enabled = models.BooleanField(_("public form open"), default=False)
    public_steps = models.ManyToManyField(Step, blank=True, related_name="+", verbose_name=_("steps the public sees"))
    # Part of the signed links: raising it makes new links and stops the old ones.
    link_generation = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self) -> str:
        return str(self.journey)


class Report(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting for triage")
        ACCEPTED = "accepted", _("accepted")
        MERGED = "merged", _("merged")
        DISMISSED = "dismissed", _("dismissed")

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="reports", verbose_name=_("journey"))
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("where")
    )
    text = models.TextField(_("what goes wrong"), max_length=REPORT_MAX_LENGTH)
    # A colleague who was logged in; None for the public form.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter_name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(max_length=10, default="en")
    via_public_form = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    pain_point = models.ForeignKey(
        PainPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("pain point")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["journey", "state"], name="report_queue")]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return self.text[:80]
