"""The manager's figures: pain points per journey and per department, their weekly flow and how long they take.

Every figure is aggregated by the database in a fixed number of queries whatever the number of pain points. Weeks
are Mondays 00:00 in the current time zone; the boundaries are computed here and handed to the database as plain
comparisons, so bucketing is exact across a daylight-saving change or a year boundary on every backend.

The open backlog is walked back from today's open count with the status transitions of the timeline: a pain point
enters the backlog when it is created or reopened and leaves it when it is solved or set to won't fix. This relies on
every status change recording its `from_status` (the services do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from journeys.models import PainPoint, PainPointActivity

OPEN = (PainPoint.Status.OPEN, PainPoint.Status.IN_PROGRESS)
CLOSED = (PainPoint.Status.SOLVED, PainPoint.Status.WONT_FIX)
STATUSES = tuple(PainPoint.Status.values)
DepartmentLink = PainPoint.responsible_departments.through

ENTERS_BACKLOG = Q(to_status__in=OPEN) & (Q(kind=PainPointActivity.Kind.CREATED) | Q(from_status__in=CLOSED))
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


def week_index(field_name: str, starts: list[date]) -> Case:
    """A database expression giving the index in `starts` of the week a timestamp falls in (the row must be on or
    after the first Monday)."""
    bounds = [local_midnight(day) for day in starts[1:]]
    whens = [When(**{f"{field_name}__lt": bound}, then=Value(index)) for index, bound in enumerate(bounds)]
    return Case(*whens, default=Value(len(starts) - 1))


# Scoping --------------------------------------------------------------------------------------------------------


def pain_points_in(scope: Scope) -> QuerySet[PainPoint]:
    pain_points = PainPoint.objects.all()
    if scope.journey_id is not None:
        pain_points = pain_points.filter(journey_id=scope.journey_id)
    if scope.department_ids:
        tagged = DepartmentLink.objects.filter(painpoint_id=OuterRef("pk"), department_id__in=scope.department_ids)
        pain_points = pain_points.filter(Exists(tagged))
    return pain_points


def activities_in(scope: Scope) -> QuerySet[PainPointActivity]:
    activities = PainPointActivity.objects.all()
    if scope.journey_id is not None:
        activities = activities.filter(pain_point__journey_id=scope.journey_id)
    if scope.department_ids:
        tagged = DepartmentLink.objects.filter(
            painpoint_id=OuterRef("pain_point_id"), department_id__in=scope.department_ids
        )
        activities = activities.filter(Exists(tagged))
    return activities


def _status_counts(prefix: str = "") -> dict[str, Count]:
    return {status: Count("pk", filter=Q(**{f"{prefix}status": status})) for status in STATUSES}


# Status tables --------------------------------------------------------------------------------------------------


def status_by_journey(scope: Scope) -> list[StatusRow]:
    rows = (
        pain_points_in(scope)
        .values("journey_id", "journey__title")
        .annotate(**_status_counts())
        .order_by("journey__title", "journey_id")
    )
    return [StatusRow(row["journey_id"], row["journey__title"], **{s: row[s] for s in STATUSES}) for row in rows]


def status_by_department(scope: Scope) -> list[StatusRow]:
    """A pain point tagged with two departments counts once for each of them."""
    links = DepartmentLink.objects.filter(painpoint__in=pain_points_in(scope).values("pk"))
    if scope.department_ids:
        links = links.filter(department_id__in=scope.department_ids)
    rows = (
        links.values("department_id", "department__name", "department__colour")
        .annotate(**_status_counts("painpoint__"))
        .order_by("department__name")
    )
    return [
        StatusRow(
            row["department_id"],
            row["department__name"],
            row["department__colour"],
            **{s: row[s] for s in STATUSES},
        )
        for row in rows
    ]


# Weekly flow ----------------------------------------------------------------------------------------------------


def _per_journey_week(queryset: QuerySet, field_name: str, starts: list[date], **counts: Count) -> list[dict]:
    since = local_midnight(starts[0])
    return list(
        queryset.filter(**{f"{field_name}__gte": since})
        .annotate(week=week_index(field_name, starts))
        .values("journey_id" if queryset.model is PainPoint else "pain_point__journey_id", "week")
        .annotate(**counts)
        .order_by()
    )


def weekly_flow(scope: Scope, *, now: datetime, open_now: dict[int, int]) -> WeeklyFlow:
    """Opened and solved per week, per journey and in total, with the open backlog at the end of each week.

    `open_now` holds today's open + in progress count per journey (from `status_by_journey`)."""
    starts = week_starts(now=now, weeks=scope.weeks)
    pain_points = pain_points_in(scope)
    opened = _per_journey_week(pain_points, "created_at", starts, n=Count("pk"))
    solved = _per_journey_week(pain_points.filter(status=PainPoint.Status.SOLVED), "solved_at", starts, n=Count("pk"))
    moves = _per_journey_week(
        activities_in(scope).filter(ENTERS_BACKLOG | LEAVES_BACKLOG),
        "created_at",
        starts,
        entered=Count("pk", filter=ENTERS_BACKLOG),
        left=Count("pk", filter=LEAVES_BACKLOG),
    )
    weeks = len(starts)
    journeys = set(open_now) | {row["journey_id"] for row in opened + solved}
    journeys |= {row["pain_point__journey_id"] for row in moves}
    series = {journey: WeeklySeries([0] * weeks, [0] * weeks, [0] * weeks) for journey in journeys}
    net = {journey: [0] * weeks for journey in journeys}
    for row in opened:
        series[row["journey_id"]].opened[row["week"]] += row["n"]
    for row in solved:
        series[row["journey_id"]].solved[row["week"]] += row["n"]
    for row in moves:
        net[row["pain_point__journey_id"]][row["week"]] += row["entered"] - row["left"]
    for journey, one in series.items():
        one.backlog = backlog_walked_back(open_now.get(journey, 0), net[journey])
    return WeeklyFlow(starts, _sum_series(series.values(), weeks), series)


def backlog_walked_back(open_now: int, net_per_week: list[int]) -> list[int]:
    """The backlog at the end of each week, from today's backlog and each week's net change (entered - left)."""
    backlog = [0] * len(net_per_week)
    level = open_now
    for index in range(len(net_per_week) - 1, -1, -1):
        backlog[index] = level
        level -= net_per_week[index]
    return backlog


def _sum_series(all_series, weeks: int) -> WeeklySeries:
    total = WeeklySeries([0] * weeks, [0] * weeks, [0] * weeks)
    for one in all_series:
        for index in range(weeks):
            total.opened[index] += one.opened[index]
            total.solved[index] += one.solved[index]
            total.backlog[index] += one.backlog[index]
    return total


# Medians --------------------------------------------------------------------------------------------------------


def _middle(values: list) -> object:
    return values[0] if len(values) == 1 else values[0] + (values[1] - values[0]) / 2


def _median_slice(count: int) -> slice:
    return slice((count - 1) // 2, count // 2 + 1)


def median_open_age(scope: Scope, *, now: datetime, open_count: int) -> timedelta | None:
    """The median age of the open and in-progress pain points: one row (two for an even count) from the database."""
    if open_count == 0:
        return None
    ordered = pain_points_in(scope).filter(status__in=OPEN).order_by("created_at").values_list("created_at", flat=True)
    return now - _middle(list(ordered[_median_slice(open_count)]))


def median_time_to_solve(scope: Scope, *, since: datetime, solved_count: int) -> timedelta | None:
    """The median time from reported to solved, over the pain points solved since `since`."""
    if solved_count == 0:
        return None
    took = ExpressionWrapper(F("solved_at") - F("created_at"), output_field=DurationField())
    ordered = (
        pain_points_in(scope)
        .filter(status=PainPoint.Status.SOLVED, solved_at__gte=since)
        .annotate(took=took)
        .order_by("took")
        .values_list("took", flat=True)
    )
    return _middle(list(ordered[_median_slice(solved_count)]))


# Everything the dashboard shows ---------------------------------------------------------------------------------


def dashboard_stats(scope: Scope, *, now: datetime | None = None) -> DashboardStats:
    now = now or timezone.now()
    journeys = status_by_journey(scope)
    open_now = {row.key: row.unsolved for row in journeys}
    flow = weekly_flow(scope, now=now, open_now=open_now)
    return DashboardStats(
        scope=scope,
        journeys=journeys,
        departments=status_by_department(scope),
        flow=flow,
        median_open_age=median_open_age(scope, now=now, open_count=sum(open_now.values())),
        median_time_to_solve=median_time_to_solve(
            scope, since=local_midnight(flow.week_starts[0]), solved_count=sum(flow.total.solved)
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
