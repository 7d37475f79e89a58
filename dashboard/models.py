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


class PainPointWeek(models.Model):
    """One journey's pain point flow in one week (Monday, local time): opened and solved there, and how many entered
    and left the open backlog. Kept by `dashboard.pain_point_weeks` after every change to the journey, so the
    dashboard sums a row per journey and week instead of counting every pain point and timeline entry."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE)
    week = models.DateField(_("week starting"))
    opened = models.PositiveIntegerField(_("opened"), default=0)
    solved = models.PositiveIntegerField(_("solved"), default=0)
    entered = models.PositiveIntegerField(_("entered the open backlog"), default=0)
    left = models.PositiveIntegerField(_("left the open backlog"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journey", "week"], name="one_pain_point_week_per_journey")]

    def __str__(self) -> str:
        return f"journey {self.journey_id}, week of {self.week}"


class PainPointWeeksKept(models.Model):
    """As of which change (the journey's sequence number) and in which time zone a journey's weeks were counted: a
    journey whose seq has moved on since is counted afresh when the dashboard reads it."""

    journey = models.OneToOneField(
        Journey,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="pain_point_weeks_kept",
        verbose_name=_("journey"),
    )
    seq = models.PositiveBigIntegerField(_("sequence number"))
    time_zone = models.CharField(_("time zone"), max_length=64)

    def __str__(self) -> str:
        return f"journey {self.journey_id} as of change {self.seq}"
