"""The dashboard's failure demand and flow per journey (process): today's figures, how contacts per question and
lead time moved in the period, and the CSV columns and rows of both. Reads the daily figures of flow_history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from dashboard import stats
from dashboard.flow_history import FlowTrend, flow_trends, step_line

SPARKLINE_WIDTH, SPARKLINE_HEIGHT = 120, 28
SHOWN = ("contacts_per_question", "lead_minutes")


@dataclass(frozen=True)
class FlowRow:
    trend: FlowTrend
    href: str
    lines: dict[str, str]  # figure name -> sparkline points

    @property
    def chart_id(self) -> str:
        return f"flow-{self.trend.journey_id}"

    @property
    def contacts_change(self) -> float | None:
        return self.trend.change("contacts_per_question")

    @property
    def lead_change(self) -> float | None:
        return self.trend.change("lead_minutes")


def trend_word(change: float | None) -> str:
    if change is None:
        return ""
    return "up" if change > 1e-9 else "down" if change < -1e-9 else "flat"


def flow_table(scope: stats.Scope, *, since: date, today: date, url_for: Any, limit: int | None) -> dict[str, Any]:
    trends = flow_trends(stats.journeys_in(scope), since=since)
    recorded = [trend for trend in trends if trend.days]
    rows = [
        FlowRow(
            trend,
            url_for(trend.journey_id),
            {
                name: step_line(trend, name, today=today, width=SPARKLINE_WIDTH, height=SPARKLINE_HEIGHT)
                for name in SHOWN
            },
        )
        for trend in recorded[:limit]
    ]
    return {
        "rows": rows,
        "count": len(recorded),
        "hidden": len(recorded) - len(rows),
        "unrecorded": len(trends) - len(recorded),
        "sparkline_width": SPARKLINE_WIDTH,
        "sparkline_height": SPARKLINE_HEIGHT,
    }


# CSV ------------------------------------------------------------------------------------------------------------


def _percent(value: float | None) -> float | str:
    return "" if value is None else round(100 * value, 1)


def _rounded(value: float | None, digits: int = 2) -> float | int | str:
    if value is None:
        return ""
    return round(value) if digits == 0 else round(value, digits)


def flow_header() -> list[str]:
    return [
        _("Contacts per customer question"),
        _("Failure demand (%)"),
        _("Rework the loops add (minutes)"),
        _("Lead time of the main route (minutes)"),
        _("Process time of the main route (minutes)"),
        _("Flow efficiency (%)"),
        _("Rolled % complete and accurate"),
    ]


def flow_cells(row: Any) -> list[Any]:
    if row is None:
        return [""] * len(flow_header())
    return [
        _rounded(row.contacts_per_question, 3),
        _percent(row.failure_demand),
        _rounded(row.rework_minutes, 0),
        _rounded(row.lead_minutes, 0),
        _rounded(row.process_minutes, 0),
        _percent(row.flow_efficiency),
        _percent(row.rolled_ca),
    ]


def flow_export(scope: stats.Scope, *, since: date) -> tuple[list[str], list[list[Any]]]:
    """Every journey's recorded figure per day in the period (and the last one before it, which held at its start)."""
    header = [_("Journey"), _("Day"), *flow_header()]
    rows = [
        [trend.title, row.day.isoformat(), *flow_cells(row)]
        for trend in flow_trends(stats.journeys_in(scope), since=since)
        for row in trend.days
    ]
    return header, rows
