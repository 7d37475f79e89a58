"""The manager's figures: pain points per journey and per department, their weekly flow and how long they take.

Every figure is aggregated by the database in a fixed number of queries whatever the number of pain points. Weeks
are Mondays 00:00 in the current time zone; the boundaries are computed here and handed to the database as plain
comparisons, so bucketing is exact across a daylight-saving change or a year boundary on every backend.

The open backlog is walked back from today's open count with the status transitions of the timeline: a pain point
enters the backlog when it is created or reopened and leaves it when it is solved or set to won't fix. This relies on
every status change recording its `from_status` (the services do).

A pain point imported from a journey file counts from the day it was imported (`imported_at`): its history before
that is what the file claims, not what was measured here, so its claimed creation, a claimed solving and its
imported activities are left out; the import itself is an "imported" activity that enters it in the backlog when it
arrives open. What happens to it afterwards counts like anything else.

The weekly flow without a department chosen is read from the weeks kept per journey (`pain_point_weeks`, counted with
this module's expressions after every change); with departments, and for the tests' comparison, it is counted here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from journeys.models import Department, Journey, Lane, PainPoint, PainPointActivity, Step
from journeys.selectors import processes_only

OPEN = (PainPoint.Status.OPEN, PainPoint.Status.IN_PROGRESS)
CLOSED = (PainPoint.Status.SOLVED, PainPoint.Status.WONT_FIX)
STATUSES = tuple(PainPoint.Status.values)
DepartmentLink = PainPoint.responsible_departments.through

ARRIVED = (PainPointActivity.Kind.CREATED, PainPointActivity.Kind.IMPORTED)
ENTERS_BACKLOG = Q(to_status__in=OPEN) & (Q(kind__in=ARRIVED) | Q(from_status__in=CLOSED))
# Opened here: created here, or imported while open (it joins the backlog on the day of the import).
OPENED_HERE = Q(imported_at__isnull=True) | Exists(
    PainPointActivity.objects.filter(
        pain_point_id=OuterRef("pk"), kind=PainPointActivity.Kind.IMPORTED, to_status__in=OPEN, imported=False
    )
)
# Solved here: not imported, or solved again after the import (a file's solved_at is never later than its import).
SOLVED_HERE = Q(status=PainPoint.Status.SOLVED) & (Q(imported_at__isnull=True) | Q(solved_at__gt=F("imported_at")))
LEAVES_BACKLOG = Q(from_status__in=OPEN, to_status__in=CLOSED)


@dataclass(frozen=True)
class Scope:
    """Which pain points the dashboard looks at, and over how many weeks."""

    weeks: int = 12
    department_ids: tuple[int, ...] = ()
    journey_id: int | None = None


@dataclass
class StatusRow:
    """Pain points per status for one journey or one department."""

    key: int
    name: str
    colour: str = ""
    open: int = 0
    in_progress: int = 0
    solved: int = 0
    wont_fix: int = 0

    @property
    def total(self) -> int:
        return self.open + self.in_progress + self.solved + self.wont_fix

    @property
    def unsolved(self) -> int:
        return self.open + self.in_progress

    def count(self, status: str) -> int:
        return getattr(self, status)


@dataclass
class WeeklySeries:
    """Per week: pain points opened, solved, and the open backlog at the end of that week (or now, for this week)."""

    opened: list[int]
    solved: list[int]
    backlog: list[int]


@dataclass
class WeeklyFlow:
    week_starts: list[date]
    total: WeeklySeries
    per_journey: dict[int, WeeklySeries] = field(default_factory=dict)


@dataclass
class DashboardStats:
    scope: Scope
    journeys: list[StatusRow]
    departments: list[StatusRow]
    flow: WeeklyFlow
    median_open_age: timedelta | None
    median_time_to_solve: timedelta | None

    @property
    def totals(self) -> StatusRow:
        total = StatusRow(key=0, name="")
        for row in self.journeys:
            for status in STATUSES:
                setattr(total, status, total.count(status) + row.count(status))
        return total


# Weeks ----------------------------------------------------------------------------------------------------------


def week_start(moment: datetime) -> date:
    local = timezone.localtime(moment)
    return local.date() - timedelta(days=local.weekday())


def week_starts(*, now: datetime, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first; the last one starts the current week."""
    current = week_start(now)
    return [current - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class WeekIndex(Func):
    """The index in `starts` of the week a timestamp falls in (the row must be on or after the first Monday).

    Compiled straight to nested CASE comparisons, a binary search: a year of weeks costs six comparisons per row,
    and building the expression costs nothing next to the ORM's When objects."""

    output_field = IntegerField()

    def __init__(self, field_name: str, starts: list[date]) -> None:
        super().__init__(F(field_name))
        self.bounds = [local_midnight(day) for day in starts]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, column_params = compiler.compile(self.source_expressions[0])
        bounds = [connection.ops.adapt_datetimefield_value(bound) for bound in self.bounds]

        def between(low: int, high: int) -> tuple[str, list[Any]]:  # the week index is in [low, high)
            if high - low == 1:
                return str(low), []
            middle = (low + high) // 2
            earlier, earlier_params = between(low, middle)
            later, later_params = between(middle, high)
            sql = f"CASE WHEN {column} < %s THEN {earlier} ELSE {later} END"
            return sql, [*column_params, bounds[middle], *earlier_params, *later_params]

        return between(0, len(bounds))


def week_index(field_name: str, starts: list[date]) -> WeekIndex:
    return WeekIndex(field_name, starts)


# Scoping --------------------------------------------------------------------------------------------------------


def later_versions() -> QuerySet[Journey]:
    """The journeys that are a later version of a process (left out of every figure): a short list the database
    reads once, where joining each pain point or activity to its journey's version cost 30 ms on 50,000 rows."""
    return Journey.objects.exclude(processes_only()).values("pk")


def pain_points_in(scope: Scope) -> QuerySet[PainPoint]:
    """With `counted_from`: when the pain point came to this organisation (created here, or imported)."""
    pain_points = PainPoint.objects.alias(counted_from=Coalesce("imported_at", "created_at")).exclude(
        journey_id__in=later_versions()
    )
    if scope.journey_id is not None:
        pain_points = pain_points.filter(journey_id=scope.journey_id)
    if scope.department_ids:
        tagged = DepartmentLink.objects.filter(painpoint_id=OuterRef("pk"), department_id__in=scope.department_ids)
        pain_points = pain_points.filter(Exists(tagged))
    return pain_points


def activities_in(scope: Scope) -> QuerySet[PainPointActivity]:
    on_later_versions = PainPoint.objects.filter(journey_id__in=later_versions()).values("pk")
    activities = PainPointActivity.objects.filter(imported=False).exclude(pain_point_id__in=on_later_versions)
    if scope.journey_id is not None:
        activities = activities.filter(pain_point__journey_id=scope.journey_id)
    if scope.department_ids:
        tagged = DepartmentLink.objects.filter(
            painpoint_id=OuterRef("pain_point_id"), department_id__in=scope.department_ids
        )
        activities = activities.filter(Exists(tagged))
    return activities


def journeys_in(scope: Scope) -> QuerySet[Journey]:
    """The journeys a manager looks at: the one chosen, and with departments chosen, those the departments take part
    in (a lane or a step of theirs, or a pain point they are responsible for). A future state designed in a copy is
    no process of its own: it stays out."""
    journeys = Journey.objects.filter(processes_only())
    if scope.journey_id is not None:
        journeys = journeys.filter(pk=scope.journey_id)
    if scope.department_ids:
        ids = scope.department_ids
        lane = Lane.objects.filter(journey_id=OuterRef("pk"), department_id__in=ids)
        step = Step.objects.filter(journey_id=OuterRef("pk"), department_id__in=ids)
        tagged = PainPoint.objects.filter(journey_id=OuterRef("pk"), responsible_departments__in=ids)
        journeys = journeys.filter(Exists(lane) | Exists(step) | Exists(tagged))
    return journeys


def _status_counts(prefix: str = "") -> dict[str, Count]:
    return {status: Count("pk", filter=Q(**{f"{prefix}status": status})) for status in STATUSES}


# Status tables --------------------------------------------------------------------------------------------------


def status_by_journey(scope: Scope) -> list[StatusRow]:
    rows = list(pain_points_in(scope).values("journey_id").annotate(**_status_counts()).order_by())
    titles = dict(Journey.objects.filter(pk__in=[row["journey_id"] for row in rows]).values_list("pk", "title"))
    result = [StatusRow(row["journey_id"], titles[row["journey_id"]], **{s: row[s] for s in STATUSES}) for row in rows]
    return sorted(result, key=lambda row: (row.name.casefold(), row.key))


def status_by_department(scope: Scope) -> list[StatusRow]:
    """A pain point tagged with two departments counts once for each of them."""
    pain_points = pain_points_in(scope)
    if scope.department_ids:
        pain_points = pain_points.filter(responsible_departments__in=scope.department_ids)
    rows = list(pain_points.values("responsible_departments").annotate(**_status_counts()).order_by())
    names = Department.objects.filter(pk__in=[row["responsible_departments"] for row in rows])
    departments = {department.pk: department for department in names.only("name", "colour")}
    result = [
        StatusRow(
            row["responsible_departments"],
            departments[row["responsible_departments"]].name,
            departments[row["responsible_departments"]].colour,
            **{s: row[s] for s in STATUSES},
        )
        for row in rows
        if row["responsible_departments"] in departments
    ]
    return sorted(result, key=lambda row: row.name.casefold())


# Weekly flow ----------------------------------------------------------------------------------------------------


def _weekly_rows(
    queryset: QuerySet, field_name: str, starts: list[date], group: str | None, **counts: Count
) -> list[dict]:
    keys = ("week",) if group is None else (group, "week")
    return list(
        queryset.filter(**{f"{field_name}__gte": local_midnight(starts[0])})
        .annotate(week=week_index(field_name, starts))
        .values(*keys)
        .annotate(**counts)
        .order_by()
    )


def _flow_rows(scope: Scope, starts: list[date], *, per_journey: bool, journey_ids: Collection[int] | None) -> tuple:
    """Rows of (journey,) week and count: pain points opened, solved, and backlog moves (entered, left)."""
    pain_points, activities = pain_points_in(scope), activities_in(scope)
    if journey_ids is not None:
        pain_points = pain_points.filter(journey_id__in=journey_ids)
        activities = activities.filter(pain_point__journey_id__in=journey_ids)
    journey, activity_journey = ("journey_id", "pain_point__journey_id") if per_journey else (None, None)
    solved = pain_points.filter(SOLVED_HERE)
    moving = activities.filter(ENTERS_BACKLOG | LEAVES_BACKLOG)
    return (
        _weekly_rows(pain_points.filter(OPENED_HERE), "counted_from", starts, journey, n=Count("pk")),
        _weekly_rows(solved, "solved_at", starts, journey, n=Count("pk")),
        _weekly_rows(
            moving,
            "created_at",
            starts,
            activity_journey,
            entered=Count("pk", filter=ENTERS_BACKLOG),
            left=Count("pk", filter=LEAVES_BACKLOG),
        ),
    )


def weekly_total(scope: Scope, *, starts: list[date], open_now: int) -> WeeklySeries:
    """Opened and solved per week over all journeys in scope, with the open backlog at the end of each week."""
    opened, solved, moves = _flow_rows(scope, starts, per_journey=False, journey_ids=None)
    series = WeeklySeries([0] * len(starts), [0] * len(starts), [])
    net = [0] * len(starts)
    for row in opened:
        series.opened[row["week"]] = row["n"]
    for row in solved:
        series.solved[row["week"]] = row["n"]
    for row in moves:
        net[row["week"]] = row["entered"] - row["left"]
    series.backlog = backlog_walked_back(open_now, net)
    return series


def weekly_per_journey(
    scope: Scope, *, starts: list[date], open_now: dict[int, int], journey_ids: Collection[int] | None = None
) -> dict[int, WeeklySeries]:
    """The same per journey, for `journey_ids` (every journey in scope when None)."""
    opened, solved, moves = _flow_rows(scope, starts, per_journey=True, journey_ids=journey_ids)
    weeks = len(starts)
    journeys = set(open_now if journey_ids is None else journey_ids)
    journeys |= {row["journey_id"] for row in opened + solved} | {row["pain_point__journey_id"] for row in moves}
    series = {journey: WeeklySeries([0] * weeks, [0] * weeks, []) for journey in journeys}
    net = {journey: [0] * weeks for journey in journeys}
    for row in opened:
        series[row["journey_id"]].opened[row["week"]] = row["n"]
    for row in solved:
        series[row["journey_id"]].solved[row["week"]] = row["n"]
    for row in moves:
        net[row["pain_point__journey_id"]][row["week"]] = row["entered"] - row["left"]
    for journey, one in series.items():
        one.backlog = backlog_walked_back(open_now.get(journey, 0), net[journey])
    return series


def weekly_from_kept(
    scope: Scope, *, starts: list[date], open_now: dict[int, int], journey_ids: Collection[int] | None = None
) -> tuple[WeeklySeries, dict[int, WeeklySeries]]:
    """`weekly_total` and `weekly_per_journey` from the weeks kept per journey (`pain_point_weeks`), for a scope
    without departments (the kept weeks are per journey, not per department): the same figures, from a row per
    journey and week instead of every pain point and timeline entry."""
    from dashboard import pain_point_weeks  # it counts with this module's expressions

    table = pain_point_weeks.read_weeks(scope, starts, journey_ids)
    weeks = len(starts)
    total = WeeklySeries(table.opened, table.solved, backlog_walked_back(sum(open_now.values()), table.net))
    journeys = set(open_now if journey_ids is None else journey_ids) | set(table.per_journey)
    per_journey = {}
    for journey in journeys:
        opened, solved, net = table.per_journey.get(journey, ([0] * weeks, [0] * weeks, [0] * weeks))
        per_journey[journey] = WeeklySeries(opened, solved, backlog_walked_back(open_now.get(journey, 0), net))
    return total, per_journey


def backlog_walked_back(open_now: int, net_per_week: list[int]) -> list[int]:
    """The backlog at the end of each week, from today's backlog and each week's net change (entered - left)."""
    backlog = [0] * len(net_per_week)
    level = open_now
    for index in range(len(net_per_week) - 1, -1, -1):
        backlog[index] = level
        level -= net_per_week[index]
    return backlog


# Medians --------------------------------------------------------------------------------------------------------


def _middle(values: list) -> object:
    return values[0] if len(values) == 1 else values[0] + (values[1] - values[0]) / 2


def _median_slice(count: int) -> slice:
    return slice((count - 1) // 2, count // 2 + 1)


def median_open_age(scope: Scope, *, now: datetime, open_count: int) -> timedelta | None:
    """The median age of the open and in-progress pain points: one row (two for an even count) from the database."""
    if open_count == 0:
        return None
    ordered = (
        pain_points_in(scope)
        .filter(status__in=OPEN)
        .annotate(arrived=F("counted_from"))
        .order_by("arrived")
        .values_list("arrived", flat=True)
    )
    return now - _middle(list(ordered[_median_slice(open_count)]))


def median_time_to_solve(scope: Scope, *, since: datetime, solved_count: int) -> timedelta | None:
    """The median time from reported (or imported) to solved, over the pain points solved here since `since`."""
    if solved_count == 0:
        return None
    ordered = (
        pain_points_in(scope)
        .filter(SOLVED_HERE, solved_at__gte=since)
        .annotate(took=DaysBetween("solved_at", "counted_from"))
        .order_by("took")
        .values_list("took", flat=True)
    )
    return timedelta(seconds=round(_middle(list(ordered[_median_slice(solved_count)])) * 86400))


class DaysBetween(Func):
    """Days from `start` to `end` as a float, computed by the database (SQLite would otherwise call back into Python
    for every row of a timestamp subtraction)."""

    output_field = FloatField()
    arity = 2
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday("
        )


# Everything the dashboard shows ---------------------------------------------------------------------------------


def dashboard_stats(scope: Scope, *, now: datetime | None = None, series_for_top: int | None = None) -> DashboardStats:
    """Everything the dashboard shows. Weekly series per journey are worked out for the `series_for_top` journeys
    with the most unsolved pain points (all journeys when None); the totals always cover every journey."""
    now = now or timezone.now()
    journeys = status_by_journey(scope)
    open_now = {row.key: row.unsolved for row in journeys}
    starts = week_starts(now=now, weeks=scope.weeks)
    chosen = None
    if series_for_top is not None:
        chosen = [row.key for row in sorted(journeys, key=lambda row: (-row.unsolved, row.name.casefold()))]
        chosen = chosen[:series_for_top]
    if scope.department_ids:
        total = weekly_total(scope, starts=starts, open_now=sum(open_now.values()))
        per_journey = weekly_per_journey(scope, starts=starts, open_now=open_now, journey_ids=chosen)
    else:
        total, per_journey = weekly_from_kept(scope, starts=starts, open_now=open_now, journey_ids=chosen)
    return DashboardStats(
        scope=scope,
        journeys=journeys,
        departments=status_by_department(scope),
        flow=WeeklyFlow(starts, total, per_journey),
        median_open_age=median_open_age(scope, now=now, open_count=sum(open_now.values())),
        median_time_to_solve=median_time_to_solve(
            scope, since=local_midnight(starts[0]), solved_count=sum(total.solved)
        ),
    )


def per_journey_weekly_rows(stats: DashboardStats) -> list[tuple[int, str, date, int, int, int]]:
    """(journey id, title, week start, opened, solved, backlog) for every journey and week: the CSV export."""
    titles = {row.key: row.name for row in stats.journeys}
    rows = []
    for journey_id, series in sorted(stats.flow.per_journey.items(), key=lambda item: titles.get(item[0], "")):
        for index, start in enumerate(stats.flow.week_starts):
            rows.append(
                (
                    journey_id,
                    titles.get(journey_id, ""),
                    start,
                    series.opened[index],
                    series.solved[index],
                    series.backlog[index],
                )
            )
    return rows
