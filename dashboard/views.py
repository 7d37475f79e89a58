"""The manager dashboard: pain points per journey and per department, their weekly flow, and CSV exports.

The body of the page depends only on the filters and the data, never on who looks at it, so it is cached per
(filters, language, latest event id): when a pain point changes, every open dashboard refetches its body and
managers with the same filters share one render.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dashboard import charts, flow_section, stats
from dashboard.markers import dashboard_marker
from journeys.models import Department, Journey
from journeys.permissions import is_manager
from journeys.selectors import processes_only
from web import csv_export
from workshops import selectors as workshop_selectors

BODY_CACHE_SECONDS = 60
SMALL_MULTIPLES = 12
JOURNEY_ROWS = 25  # the rest behind "show all" (and in the CSV): the page stays quick with hundreds of journeys
SCORE_POINTS = 24  # measurements per sparkline: the newest of the period
SCORE_SPARKLINE_WIDTH, SCORE_SPARKLINE_HEIGHT = 120, 28
PERIODS = [
    (4, gettext_lazy("last 4 weeks")),
    (8, gettext_lazy("last 8 weeks")),
    (12, gettext_lazy("last 12 weeks")),
    (26, gettext_lazy("last 6 months")),
    (52, gettext_lazy("last 12 months")),
]
# The owners' list (another part of the app); its figures link there when it is installed.
OWNERS_LIST_URL_NAMES = ("pain_points_mine", "my_pain_points")
OWNERS_LIST_STATUS_PARAM = "state"
SORT_KEYS = ("name", "open", "in_progress", "solved", "wont_fix", "total")
SORTS = [(f"{sign}{key}", f"{sign}{key}") for key in SORT_KEYS for sign in ("", "-")]


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_manager(request.user):
            raise PermissionDenied(_("The dashboard is for managers."))
        return view(request, *args, **kwargs)

    return checked


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Ids too long for the database are refused as unknown, not handed to it (SQLite overflowed: a server error)."""

    def _check_values(self, value: Any) -> Any:
        if any(not str(pk).isdigit() or len(str(pk)) > 18 for pk in value):
            raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": ""})
        return super()._check_values(value)


class DashboardFilterForm(forms.Form):
    weeks = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        choices=PERIODS,
        coerce=int,
        required=False,
        empty_value=12,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the periods offered.")},
    )
    department = IdsChoiceField(
        Department.objects.all(),
        label=gettext_lazy("Department"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("That department does not exist."),
            "invalid_pk_value": gettext_lazy("That department does not exist."),
        },
    )
    journey = forms.ModelChoiceField(
        Journey.objects.all(),
        label=gettext_lazy("Journey"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("That journey does not exist.")},
    )
    jsort = forms.ChoiceField(label=gettext_lazy("Journey order"), choices=SORTS, required=False)
    dsort = forms.ChoiceField(label=gettext_lazy("Department order"), choices=SORTS, required=False)
    jall = forms.BooleanField(label=gettext_lazy("All journeys"), required=False)

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            scope=stats.Scope(
                weeks=data["weeks"],
                department_ids=tuple(sorted(d.pk for d in data["department"])),
                journey_id=data["journey"].pk if data["journey"] else None,
            ),
            journey_sort=data["jsort"] or "-open",
            department_sort=data["dsort"] or "-open",
            all_journeys=data["jall"],
        )


@dataclass(frozen=True)
class Filters:
    scope: stats.Scope
    journey_sort: str = "-open"
    department_sort: str = "-open"
    all_journeys: bool = False

    def url(self, **changes: Any) -> str:
        return f"{dashboard_path()}?{self.query(**changes)}"

    def query(self, **changes: Any) -> str:
        """The canonical query string of these filters (the URL a manager shares), with `changes` applied."""
        params: list[tuple[str, Any]] = [("weeks", self.scope.weeks)]
        params += [("department", pk) for pk in self.scope.department_ids]
        if self.scope.journey_id is not None:
            params.append(("journey", self.scope.journey_id))
        params += [("jsort", self.journey_sort), ("dsort", self.department_sort)]
        if self.all_journeys:
            params.append(("jall", 1))
        return urlencode([(k, v) for k, v in params if k not in changes] + list(changes.items()))


@functools.cache
def dashboard_path() -> str:
    return reverse("dashboard")


# Pages ----------------------------------------------------------------------------------------------------------


@manager_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "dashboard/page.html", {"form": form, **filter_choices()}, status=400)
    filters = form.filters()
    body = dashboard_body(filters)
    if request.htmx:
        response = HttpResponse(body)
    else:
        choices = filter_choices()
        summary = filter_summary(filters, choices)
        context = {"form": form, "filters": filters, "body": body, "summary": summary, **choices}
        response = render(request, "dashboard/page.html", context)
    response.headers["Vary"] = "HX-Request"
    return response


@manager_required
@require_GET
def dashboard_export(request: HttpRequest, table: str) -> HttpResponse:
    if table not in EXPORTS:
        raise Http404
    form = DashboardFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    header, rows = EXPORTS[table](ExportData(form.filters(), timezone.now()))
    # Like the owners' list: a byte order mark, `;` and decimal commas in Dutch, formula-like text defused.
    response, writer = csv_export.csv_response(f"pain-points-{table}-{timezone.localdate().isoformat()}.csv")
    csv_export.write_rows(writer, [header, *rows])
    return response


def filter_choices() -> dict[str, Any]:
    return {
        "periods": PERIODS,
        "department_choices": list(Department.objects.values_list("pk", "name")),
        "journey_choices": list(Journey.objects.filter(processes_only()).order_by("title").values_list("pk", "title")),
    }


def filter_summary(filters: Filters, choices: dict[str, Any]) -> str:
    """The filters in words, for the printed page (where the form is not shown)."""
    scope = filters.scope
    departments = [name for pk, name in choices["department_choices"] if pk in scope.department_ids]
    journeys = [title for pk, title in choices["journey_choices"] if pk == scope.journey_id]
    parts = [str(dict(PERIODS)[scope.weeks]).capitalize()]
    parts.append(", ".join(departments) if departments else _("all departments"))
    parts.append(journeys[0] if journeys else _("all journeys"))
    return " · ".join(parts)


# The cached body ------------------------------------------------------------------------------------------------


def body_cache_key(filters: Filters, marker: str) -> str:
    digest = hashlib.sha1(filters.query().encode()).hexdigest()[:16]
    return f"dashboard-body:{get_language()}:{marker}:{digest}"


def dashboard_body(filters: Filters) -> str:
    marker = dashboard_marker()  # read before rendering: a change committed meanwhile makes the next beat refetch
    key = body_cache_key(filters, marker)
    body = cache.get(key)
    if body is None:
        body = render_body(filters, marker=marker)
        cache.set(key, body, BODY_CACHE_SECONDS)
    return body


def render_body(filters: Filters, *, now: Any = None, marker: str = "") -> str:
    now = now or timezone.now()
    figures = stats.dashboard_stats(filters.scope, now=now, series_for_top=SMALL_MULTIPLES)
    context = body_context(filters, figures, now=now)
    return render_to_string("dashboard/body.html", {**context, "marker": marker})


def body_context(filters: Filters, figures: stats.DashboardStats, *, now: Any) -> dict[str, Any]:
    # Translators: a week on the chart axis, in Django date format characters (b: month in lower case).
    labels = [date_format(day, _("j M")) for day in figures.flow.week_starts[:-1]] + [_("this week")]
    totals = figures.totals
    links = OwnerLinks(filters.scope)
    return {
        "filters": filters,
        "figures": figures,
        "totals": totals,
        "refreshed_at": now,
        "body_url": filters.url(),
        "kpis": kpis(figures, totals, links),
        "headline": backlog_headline(figures.flow.total.backlog),
        "week_rows": list(zip(figures.flow.week_starts, labels, *_series_columns(figures.flow.total), strict=True)),
        "chart": charts.weekly_chart(figures.flow.total, labels),
        "journey_table": status_table(
            figures.journeys,
            filters,
            "jsort",
            filters.journey_sort,
            links,
            "journey",
            limit=None if filters.all_journeys else JOURNEY_ROWS,
        ),
        "department_table": status_table(
            figures.departments, filters, "dsort", filters.department_sort, links, "department"
        ),
        "small_multiples": small_multiples(figures, labels, filters),
        "scores": score_table(filters, now=now),
        "flow": flow_section.flow_table(
            filters.scope,
            since=period_start(filters, now),
            today=timezone.localdate(now),
            url_for=lambda pk: filters.url(journey=pk),
            limit=None if filters.all_journeys else JOURNEY_ROWS,
        ),
        "exports": {name: f"{reverse('dashboard_export', args=[name])}?{filters.query()}" for name in EXPORTS},
        "owners_list_available": links.base is not None,
    }


def period_start(filters: Filters, now: Any) -> Any:
    return stats.week_starts(now=now, weeks=filters.scope.weeks)[0]


def _series_columns(series: stats.WeeklySeries) -> tuple[list[int], list[int], list[int]]:
    return series.opened, series.solved, series.backlog


def kpis(figures: stats.DashboardStats, totals: stats.StatusRow, links: OwnerLinks) -> list[dict[str, Any]]:
    flow = figures.flow.total
    return [
        {"label": _("Open"), "value": totals.open, "kind": "open", "href": links.url(status="open")},
        {
            "label": _("In progress"),
            "value": totals.in_progress,
            "kind": "in_progress",
            "href": links.url(status="in_progress"),
        },
        {"label": _("Opened in the period"), "value": sum(flow.opened), "kind": "opened"},
        {"label": _("Solved in the period"), "value": sum(flow.solved), "kind": "solved"},
        {"label": _("Median age of open pain points"), "value": humanize(figures.median_open_age), "kind": "age"},
        {"label": _("Median time to solve"), "value": humanize(figures.median_time_to_solve), "kind": "age"},
    ]


def backlog_headline(backlog: list[int]) -> str:
    first, last = backlog[0], backlog[-1]
    weeks = len(backlog)
    if last > first:
        text = ngettext(
            "The open backlog grew from %(first)d to %(last)d in %(weeks)d week.",
            "The open backlog grew from %(first)d to %(last)d in %(weeks)d weeks.",
            weeks,
        )
    elif last < first:
        text = ngettext(
            "The open backlog shrank from %(first)d to %(last)d in %(weeks)d week.",
            "The open backlog shrank from %(first)d to %(last)d in %(weeks)d weeks.",
            weeks,
        )
    else:
        text = ngettext(
            "The open backlog stayed at %(last)d for %(weeks)d week.",
            "The open backlog stayed at %(last)d for %(weeks)d weeks.",
            weeks,
        )
    return text % {"first": first, "last": last, "weeks": weeks}


def humanize(duration: timedelta | None) -> str:
    if duration is None:
        return "–"
    days = duration.total_seconds() / 86400
    if days < 1:
        hours = max(1, round(duration.total_seconds() / 3600))
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if days < 21:
        whole = round(days)
        return ngettext("%(n)d day", "%(n)d days", whole) % {"n": whole}
    weeks = round(days / 7)
    return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}


# Links to the owners' list --------------------------------------------------------------------------------------


class OwnerLinks:
    """Links from a figure to the owners' list of the pain points behind it (when that page exists)."""

    def __init__(self, scope: stats.Scope) -> None:
        self.scope = scope
        self.base: str | None = None
        for name in OWNERS_LIST_URL_NAMES:
            try:
                self.base = reverse(name)
                break
            except NoReverseMatch:
                continue

    def url(self, *, status: str | None = None, journey: int | None = None, department: int | None = None) -> str:
        if self.base is None:
            return ""
        journey = journey if journey is not None else self.scope.journey_id
        departments = [department] if department is not None else list(self.scope.department_ids)
        params: list[tuple[str, Any]] = [(OWNERS_LIST_STATUS_PARAM, status)] if status else []
        params += [("journey", journey)] if journey is not None else []
        params += [("department", pk) for pk in departments]
        return f"{self.base}?{urlencode(params)}" if params else self.base


# Tables ---------------------------------------------------------------------------------------------------------


STATUS_LABELS = {
    "open": gettext_lazy("Open"),
    "in_progress": gettext_lazy("In progress"),
    "solved": gettext_lazy("Solved"),
    "wont_fix": gettext_lazy("Won't fix"),
}


def sort_rows(rows: Iterable[stats.StatusRow], sort: str) -> list[stats.StatusRow]:
    key = sort.lstrip("-")
    by_name = sorted(rows, key=lambda row: row.name.casefold())
    if key == "name":
        return list(reversed(by_name)) if sort.startswith("-") else by_name
    value = (lambda row: row.total) if key == "total" else (lambda row: row.count(key))
    return sorted(by_name, key=value, reverse=sort.startswith("-"))


def status_table(
    rows: list[stats.StatusRow],
    filters: Filters,
    param: str,
    sort: str,
    links: OwnerLinks,
    kind: str,
    limit: int | None = None,
) -> dict[str, Any]:
    scale = max((row.total for row in rows), default=0)
    table_rows = []
    for row in sort_rows(rows, sort)[:limit]:
        target = {kind: row.key}
        cells = [(status, row.count(status), links.url(status=status, **target)) for status in stats.STATUSES]
        table_rows.append(
            {
                "row": row,
                "cells": cells,
                "total_href": links.url(**target),
                "segments": charts.status_segments(row, scale),
                "dashboard_href": filters.url(**{kind: row.key}),
            }
        )
    columns = [("name", _("Journey") if kind == "journey" else _("Department"))]
    columns += [(status, STATUS_LABELS[status]) for status in stats.STATUSES] + [("total", _("Total"))]
    headers = [_header(key, label, sort, param, filters) for key, label in columns]
    return {
        "rows": table_rows,
        "headers": headers,
        "kind": kind,
        "hidden": len(rows) - len(table_rows),
        "count": len(rows),
        "show_all_href": filters.url(jall=1),
    }


def _header(key: str, label: str, sort: str, param: str, filters: Filters) -> dict[str, Any]:
    current = sort.lstrip("-")
    descending = sort.startswith("-")
    if current == key:
        next_sort = key if descending else f"-{key}"
        aria = "descending" if descending else "ascending"
    else:
        next_sort = key if key == "name" else f"-{key}"
        aria = "none"
    return {
        "key": key,
        "label": label,
        "aria_sort": aria,
        "href": filters.url(**{param: next_sort}),
    }


def small_multiples(figures: stats.DashboardStats, labels: list[str], filters: Filters) -> list[dict[str, Any]]:
    """The journeys with the most unsolved pain points, each with its own small weekly chart."""
    worst = sorted(figures.journeys, key=lambda row: (-row.unsolved, row.name.casefold()))[:SMALL_MULTIPLES]
    return [
        {
            "row": row,
            "chart": charts.weekly_chart(figures.flow.per_journey[row.key], labels, width=220, height=90, compact=True),
            "opened": sum(figures.flow.per_journey[row.key].opened),
            "solved": sum(figures.flow.per_journey[row.key].solved),
            "chart_id": f"mini-{row.key}",
            "href": filters.url(journey=row.key),
        }
        for row in worst
        if row.key in figures.flow.per_journey
    ]


# Customer scores ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    journey_id: int
    title: str
    score: workshop_selectors.IndicatorSummary
    before_period: bool  # the latest measurement predates the period: the sparkline is empty
    href: str

    @property
    def chart_id(self) -> str:
        return f"score-{self.journey_id}"


def score_rows(filters: Filters, *, now: Any) -> tuple[list[ScoreRow], int]:
    """Every journey in scope that has a measurement of its indicator, by title; and how many journeys have none."""
    since = stats.week_starts(now=now, weeks=filters.scope.weeks)[0]
    journeys = stats.journeys_in(filters.scope)
    summaries = workshop_selectors.indicator_summaries(
        journeys, since=since, points=SCORE_POINTS, width=SCORE_SPARKLINE_WIDTH, height=SCORE_SPARKLINE_HEIGHT
    )
    rows = [
        ScoreRow(pk, title, score, score.latest_on < since, filters.url(journey=pk))
        for pk, (title, score) in summaries.items()
    ]
    rows.sort(key=lambda row: (row.title.casefold(), row.journey_id))
    return rows, journeys.count() - len(rows)


def score_table(filters: Filters, *, now: Any) -> dict[str, Any]:
    rows, unmeasured = score_rows(filters, now=now)
    shown = rows if filters.all_journeys else rows[:JOURNEY_ROWS]
    return {
        "rows": shown,
        "count": len(rows),
        "hidden": len(rows) - len(shown),
        "unmeasured": unmeasured,
        "show_all_href": filters.url(jall=1),
        "sparkline_width": SCORE_SPARKLINE_WIDTH,
        "sparkline_height": SCORE_SPARKLINE_HEIGHT,
    }


# CSV exports ----------------------------------------------------------------------------------------------------


class ExportData:
    """What an export may need, read only when it asks: the pain point figures, the customer scores."""

    def __init__(self, filters: Filters, now: Any) -> None:
        self.filters = filters
        self.now = now

    @functools.cached_property
    def figures(self) -> stats.DashboardStats:
        return stats.dashboard_stats(self.filters.scope, now=self.now)

    @functools.cached_property
    def scores(self) -> list[ScoreRow]:
        return score_rows(self.filters, now=self.now)[0]


def _status_header(first: str) -> list[str]:
    return [first, *(str(STATUS_LABELS[s]) for s in stats.STATUSES), _("Total")]


def _number(value: Any) -> Any:
    """A number for the CSV, or nothing; numbers stay numbers (a negative one must not be defused like a formula)."""
    return "" if value is None else value


def export_journeys(data: ExportData) -> tuple[list[str], list[list[Any]]]:
    scores = {row.journey_id: row.score for row in data.scores}
    header = _status_header(_("Journey"))
    header += [_("Customer indicator"), _("Customer score"), _("Measured on"), _("Change since the measurement before")]
    rows = []
    for row in data.figures.journeys:
        score = scores.get(row.key)
        score_cells = (
            [score.indicator.upper(), _number(score.latest), score.latest_on.isoformat(), _number(score.change)]
            if score
            else ["", "", "", ""]
        )
        rows.append([row.name, *(row.count(s) for s in stats.STATUSES), row.total, *score_cells])
    return header, rows


def export_departments(data: ExportData) -> tuple[list[str], list[list[Any]]]:
    rows = [[row.name, *(row.count(s) for s in stats.STATUSES), row.total] for row in data.figures.departments]
    return _status_header(_("Department")), rows


def export_weeks(data: ExportData) -> tuple[list[str], list[list[Any]]]:
    figures = data.figures
    header = [_("Journey"), _("Week starting"), _("Opened"), _("Solved"), _("Open at end of week")]
    total = figures.flow.total
    rows = [
        [_("All journeys"), day.isoformat(), total.opened[i], total.solved[i], total.backlog[i]]
        for i, day in enumerate(figures.flow.week_starts)
    ]
    rows += [[title, day.isoformat(), o, s, b] for _id, title, day, o, s, b in stats.per_journey_weekly_rows(figures)]
    return header, rows


def export_scores(data: ExportData) -> tuple[list[str], list[list[Any]]]:
    """Every measurement behind the sparklines: the period's, newest SCORE_POINTS per journey."""
    header = [_("Journey"), _("Customer indicator"), _("Measured on"), _("Customer score")]
    rows = [
        [row.title, row.score.indicator.upper(), day.isoformat(), _number(value)]
        for row in data.scores
        for day, value in row.score.history
    ]
    return header, rows


def export_flow(data: ExportData) -> tuple[list[str], list[list[Any]]]:
    """The daily failure demand and flow figures behind the dashboard's trend lines."""
    return flow_section.flow_export(data.filters.scope, since=period_start(data.filters, data.now))


EXPORTS: dict[str, Callable[[ExportData], tuple[list[str], list[list[Any]]]]] = {
    "journeys": export_journeys,
    "departments": export_departments,
    "weeks": export_weeks,
    "scores": export_scores,
    "flow": export_flow,
}
