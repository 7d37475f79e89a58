"""Named versions of a journey: the process as it is, as it should be. Each version is a journey of its own (every
board tool works on it); versions of one process share a family, the journey the first version is."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, PainPoint, Step


class JourneyVersion(models.Model):
    journey = models.OneToOneField(
        Journey, on_delete=models.CASCADE, related_name="named_version", verbose_name=_("journey")
    )
    family = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="family_versions", verbose_name=_("first version")
    )
    name = models.CharField(_("version name"), max_length=80)
    based_on = models.ForeignKey(
        Journey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started from")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["family", "name"], name="one_version_name_per_family")]
        verbose_name = _("journey version")
        verbose_name_plural = _("journey versions")

    def __str__(self) -> str:
        return f"{self.journey}: {self.name}"


class StepLineage(models.Model):
    """The step a version's step was copied from, so two versions can be compared step by step."""

    step = models.OneToOneField(Step, on_delete=models.CASCADE, related_name="lineage")
    origin = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.step_id} <- {self.origin_id}"


class PainPointAnswer(models.Model):
    """The step of a later version (the future state) that answers a pain point."""

    pain_point = models.OneToOneField(PainPoint, on_delete=models.CASCADE, related_name="future_answer")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="answered_pain_points")

    def __str__(self) -> str:
        return f"{self.pain_point} -> {self.step}"
