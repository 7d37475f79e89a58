from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey


class JourneyFlowDay(models.Model):
    """A journey's failure demand and flow figures as they stood at the end of one day: recorded after every change
    to its steps, hand-offs or lanes (the day's last change wins), so the dashboard can show how they moved. A day
    without a change has no row: the figures stood as on the last day before it that has one."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="flow_days", verbose_name=_("journey"))
    day = models.DateField(_("day"))
    # None where the figure has no value that day: no main route yet, or a loop that can never be left.
    contacts_per_question = models.FloatField(_("contacts per customer question"), null=True)
    failure_demand = models.FloatField(_("failure demand (share of contacts)"), null=True)
    rework_minutes = models.FloatField(_("rework the loops add (minutes)"), null=True)
    lead_minutes = models.PositiveIntegerField(_("lead time of the main route (minutes)"), null=True)
    process_minutes = models.PositiveIntegerField(_("process time of the main route (minutes)"), null=True)
    flow_efficiency = models.FloatField(_("flow efficiency"), null=True)
    rolled_ca = models.FloatField(_("rolled % complete and accurate"), null=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["journey", "day"]
        constraints = [models.UniqueConstraint(fields=["journey", "day"], name="one_flow_figure_per_journey_and_day")]
        verbose_name = _("daily flow figure")
        verbose_name_plural = _("daily flow figures")

    def __str__(self) -> str:
        return f"{self.journey} {self.day}"
