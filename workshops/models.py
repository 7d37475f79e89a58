"""Facilitation state of a journey's workshop: customer score, dot-voting rounds, the shared timer, the focus."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, PainPoint, Step


class Indicator(models.TextChoices):
    CSAT = "csat", _("Customer satisfaction (CSAT, %)")
    NPS = "nps", _("Net Promoter Score (NPS)")


class CustomerIndicator(models.Model):
    """The one customer indicator a journey steers on."""

    journey = models.OneToOneField(Journey, on_delete=models.CASCADE, related_name="customer_indicator")
    kind = models.CharField(_("indicator"), max_length=10, choices=Indicator.choices, default=Indicator.CSAT)

    def __str__(self) -> str:
        return _("%(indicator)s for %(journey)s") % {"indicator": self.get_kind_display(), "journey": self.journey}


class ScoreMeasurement(models.Model):
    """One dated measurement of an indicator; the indicator is kept so switching it never mixes scales."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="score_measurements")
    indicator = models.CharField(_("indicator"), max_length=10, choices=Indicator.choices)
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    responses = models.PositiveIntegerField(_("number of responses"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["measured_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "indicator", "measured_on"], name="one_measurement_per_indicator_and_day"
            )
        ]

    def __str__(self) -> str:
        return _("%(indicator)s %(value)s on %(day)s") % {
            "indicator": self.indicator,
            "value": self.value,
            "day": self.measured_on,
        }


class VotingRound(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="voting_rounds")
    dots_per_participant = models.PositiveSmallIntegerField(_("dots per participant"))
    tallies_visible = models.BooleanField(default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey"], condition=models.Q(ended_at__isnull=True), name="one_open_voting_round"
            )
        ]

    def __str__(self) -> str:
        return _("voting round %(number)s on %(journey)s") % {"number": self.pk, "journey": self.journey}

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class Dot(models.Model):
    """One dot a participant put on a pain point; several dots on the same pain point are allowed."""

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="dots")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pain_point = models.ForeignKey(PainPoint, on_delete=models.CASCADE, related_name="dots")
    placed_at = models.DateTimeField()

    class Meta:
        ordering = ["placed_at", "id"]
        indexes = [models.Index(fields=["round", "participant"])]

    def __str__(self) -> str:
        return _("dot by %(participant)s on %(pain_point)s") % {
            "participant": self.participant_id,
            "pain_point": self.pain_point_id,
        }


class WorkshopTimer(models.Model):
    """The shared countdown. Running: started_at is set and the deadline is started_at + remaining_seconds.
    Paused: started_at is empty and remaining_seconds < duration. Idle: started_at empty, remaining == duration.
    """

    journey = models.OneToOneField(Journey, on_delete=models.CASCADE, related_name="workshop_timer")
    duration_seconds = models.PositiveIntegerField(default=300)
    started_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.FloatField(default=300)

    def __str__(self) -> str:
        return _("timer of %(journey)s") % {"journey": self.journey}


class FacilitatorFocus(models.Model):
    """The step the facilitator has open; the projector follows it."""

    journey = models.OneToOneField(Journey, on_delete=models.CASCADE, related_name="facilitator_focus")
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return _("focus of %(journey)s") % {"journey": self.journey}
