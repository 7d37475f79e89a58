"""Value versus effort: the scores of an open pain point or a shared fix, each from 1 (low) to 5 (high)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fixes.models import Fix
from journeys.models import PainPoint

LOW, HIGH = 1, 5
scale = [MinValueValidator(LOW), MaxValueValidator(HIGH)]


class Score(models.Model):
    pain_point = models.OneToOneField(
        PainPoint, on_delete=models.CASCADE, null=True, blank=True, related_name="score", verbose_name=_("pain point")
    )
    fix = models.OneToOneField(
        Fix, on_delete=models.CASCADE, null=True, blank=True, related_name="score", verbose_name=_("shared fix")
    )
    # Empty: the dot votes decide (see priorities/matrix.py).
    customer_value = models.PositiveSmallIntegerField(_("customer value"), null=True, blank=True, validators=scale)
    business_value = models.PositiveSmallIntegerField(_("business value"), null=True, blank=True, validators=scale)
    effort = models.PositiveSmallIntegerField(_("effort"), null=True, blank=True, validators=scale)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_point__isnull=False, fix__isnull=True) | Q(pain_point__isnull=True, fix__isnull=False),
                name="score_of_one_thing",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": LOW, f"{name}__lte": HIGH}),
                    name=f"{name}_from_1_to_5",
                )
                for name in ("customer_value", "business_value", "effort")
            ],
        ]
        verbose_name = _("value and effort score")
        verbose_name_plural = _("value and effort scores")

    def __str__(self) -> str:
        return f"{self.customer_value}/{self.business_value}/{self.effort}"
