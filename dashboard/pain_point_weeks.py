"""The dashboard's weekly pain point flow, kept per journey and week instead of counted from every row on each read.

What is kept: for each journey and week (Monday, local time), the pain points opened and solved there and the
timeline entries that made one enter or leave the open backlog, counted exactly as `stats` counts them straight from
the pain points and their timeline (the same expressions: `OPENED_HERE`, `SOLVED_HERE`, `ENTERS_BACKLOG`,
`LEAVES_BACKLOG`), with the journey's sequence number as of the count.

How it stays right: every change to a journey goes through `journeys.changes.journey_change`, which moves the
journey's seq on. After each committed change (off the request, `live.fanout.register_after_push`) the journey's weeks
are counted again, or, for a change that cannot touch a pain point (a rename, a hand-off, a vote), only marked as
current. A read trusts a journey's rows only when their seq is the journey's seq now (and the time zone the same);
every other journey in scope (changed since, never counted, or its count failed) is counted from the rows for that
read, in one batch of queries. So the figures always equal the direct count, and the table only decides how much of
it the database has to redo: on a dashboard after a change, one journey's rows, not twenty thousand pain points.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from dashboard import stats
from dashboard.models import PainPointWeek, PainPointWeeksKept
from journeys.models import Event, Journey, PainPoint, PainPointActivity
from journeys.selectors import processes_only

# Changes that cannot create, delete, reopen or close a pain point, or move one of its dates: after one of these a
# journey's count stays as it was and is only marked as current. Anything else (pain points, step deletions, undo,
# redo, imports, intake, fixes, kinds added later) counts the journey again.
CHANGES_WITHOUT_PAIN_POINTS = (
    "step.created",
    "step.updated",
    "step.moved",
    "step.commented",
    "handoff.",
    "lane.",
    "voting.",
    "vote.",
    "timer.",
    "focus.",
    "lens.",
    "mirror.",
    "score.",
    "version.named",
)

Counts = dict[int, dict[date, list[int]]]  # journey -> week -> [opened, solved, entered, left]


def count_weeks(journey_ids: Collection[int], *, since: datetime | None = None) -> Counts:
    """Each journey's pain point flow per week, from its pain points and timeline: one query (a union of the four
    kinds of rows) for any number of journeys; `since` leaves out what happened before it."""
    pain_points = PainPoint.objects.filter(journey_id__in=journey_ids).annotate(
        counted_from=Coalesce("imported_at", "created_at")
    )
    activities = PainPointActivity.objects.filter(imported=False, pain_point__journey_id__in=journey_ids)
    sources: list[tuple[QuerySet, str, str]] = [
        (pain_points.filter(stats.OPENED_HERE), "journey_id", "counted_from"),
        (pain_points.filter(stats.SOLVED_HERE, solved_at__isnull=False), "journey_id", "solved_at"),
        (activities.filter(stats.ENTERS_BACKLOG), "pain_point__journey_id", "created_at"),
        (activities.filter(stats.LEAVES_BACKLOG), "pain_point__journey_id", "created_at"),
    ]
    rows = []
    for index, (queryset, journey, moment) in enumerate(sources):
        if since is not None:
            queryset = queryset.filter(**{f"{moment}__gte": since})
        rows.append(queryset.annotate(source=Value(index)).values_list(journey, moment, "source").order_by())
    counts: Counts = {}
    for journey_id, when, index in rows[0].union(*rows[1:], all=True):
        weeks = counts.setdefault(journey_id, {})
        weeks.setdefault(stats.week_start(when), [0, 0, 0, 0])[index] += 1
    return counts


def keep(journey_ids: Iterable[int]) -> None:
    """Count these journeys' weeks again and keep them, as of their seq now. The journeys are locked while counted,
    as a change locks them, so no change slips in between the seq read and the count."""
    with transaction.atomic():
        seqs = dict(Journey.objects.select_for_update().filter(pk__in=list(journey_ids)).values_list("pk", "seq"))
        counts = count_weeks(seqs)
        PainPointWeek.objects.filter(journey_id__in=seqs).delete()
        PainPointWeek.objects.bulk_create(
            PainPointWeek(journey_id=journey, week=week, opened=o, solved=s, entered=e, left=x)
            for journey, weeks in counts.items()
            for week, (o, s, e, x) in weeks.items()
        )
        PainPointWeeksKept.objects.filter(journey_id__in=seqs).delete()
        PainPointWeeksKept.objects.bulk_create(
            PainPointWeeksKept(journey_id=journey, seq=seq, time_zone=settings.TIME_ZONE)
            for journey, seq in seqs.items()
        )


def keep_all(batch: int = 200) -> int:
    """Count every journey's weeks (`manage.py keep_pain_point_weeks`, the migration's first fill); how many."""
    ids = list(Journey.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        keep(ids[start : start + batch])
    return len(ids)


def keep_after_change(changes: list[Event]) -> None:
    """After a run of committed changes to one journey (their push is out): its weeks counted again, or only marked
    current when none of the changes can touch a pain point and the weeks were current just before them (another
    process's change in between leaves a gap in the seqs: counted again)."""
    first, last = changes[0], changes[-1]
    unbroken = [change.seq for change in changes] == list(range(first.seq, last.seq + 1))
    if unbroken and all(change.kind.startswith(CHANGES_WITHOUT_PAIN_POINTS) for change in changes):
        moved_on = PainPointWeeksKept.objects.filter(
            journey_id=last.journey_id, seq=first.seq - 1, time_zone=settings.TIME_ZONE
        ).update(seq=last.seq)
        if moved_on:
            return
    keep([last.journey_id])


# Reading --------------------------------------------------------------------------------------------------------


@dataclass
class WeekTable:
    """Per week (index into the period's weeks): opened, solved and the backlog's net move; overall and per journey."""

    weeks: int
    opened: list[int] = field(default_factory=list)
    solved: list[int] = field(default_factory=list)
    net: list[int] = field(default_factory=list)
    per_journey: dict[int, tuple[list[int], list[int], list[int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.opened, self.solved, self.net = [0] * self.weeks, [0] * self.weeks, [0] * self.weeks

    def add(self, journey: int | None, index: int, opened: int, solved: int, net: int) -> None:
        if journey is None:
            self.opened[index] += opened
            self.solved[index] += solved
            self.net[index] += net
            return
        one = self.per_journey.setdefault(journey, ([0] * self.weeks, [0] * self.weeks, [0] * self.weeks))
        one[0][index] += opened
        one[1][index] += solved
        one[2][index] += net


def read_weeks(scope: stats.Scope, starts: list[date], journey_ids: Collection[int] | None) -> WeekTable:
    """The period's weekly flow over every journey in `scope` (no department chosen) and per journey for
    `journey_ids` (all when None): kept rows where they are current, the rest counted now. A fixed number of
    queries: the journeys' seqs, the kept rows summed per week, the kept rows of the journeys asked for, and one for
    the journeys counted now."""
    first = starts[0]

    def index_of(week: date) -> int:  # a week after this one (a clock ahead) counts in this one, as in `stats`
        return bisect_right(starts, week) - 1

    journeys = Journey.objects.filter(processes_only())
    if scope.journey_id is not None:
        journeys = journeys.filter(pk=scope.journey_id)
    current = Q(pain_point_weeks_kept__seq=F("seq"), pain_point_weeks_kept__time_zone=settings.TIME_ZONE)
    stale = list(journeys.exclude(current).values_list("pk", flat=True))
    table = WeekTable(len(starts))
    kept = PainPointWeek.objects.filter(week__gte=first, journey__in=journeys).exclude(journey_id__in=stale)
    sums = {"o": Sum("opened"), "s": Sum("solved"), "e": Sum("entered"), "x": Sum("left")}
    for row in kept.values("week").annotate(**sums).order_by():
        table.add(None, index_of(row["week"]), row["o"], row["s"], row["e"] - row["x"])
    wanted = kept if journey_ids is None else kept.filter(journey_id__in=journey_ids)
    for row in wanted.values_list("journey_id", "week", "opened", "solved", "entered", "left").order_by():
        table.add(row[0], index_of(row[1]), row[2], row[3], row[4] - row[5])
    if stale:
        for journey, weeks in count_weeks(stale, since=stats.local_midnight(first)).items():
            for week, (opened, solved, entered, left) in weeks.items():
                table.add(None, index_of(week), opened, solved, entered - left)
                if journey_ids is None or journey in journey_ids:
                    table.add(journey, index_of(week), opened, solved, entered - left)
    return table
