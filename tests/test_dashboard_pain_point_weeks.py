"""The weekly pain point flow the dashboard keeps per journey: always the same figures as counting every row."""

from __future__ import annotations

from dataclasses import astuple
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard import pain_point_weeks, stats
from dashboard.models import PainPointWeek, PainPointWeeksKept
from exchange import services as exchange
from journeys import services, undo
from journeys.models import Event, Journey, PainPoint, Step
from live import fanout
from painpoints import services as lifecycle
from tests import factories
from tests.factories import make_department, make_journey, make_step

pytestmark = pytest.mark.django_db


def direct(scope: stats.Scope, starts: list, open_now: dict[int, int]) -> tuple:
    """The figures counted from every pain point and timeline entry, as before the weeks were kept."""
    total = stats.weekly_total(scope, starts=starts, open_now=sum(open_now.values()))
    per_journey = stats.weekly_per_journey(scope, starts=starts, open_now=open_now)
    return astuple(total), {journey: astuple(series) for journey, series in per_journey.items()}


def from_kept(scope: stats.Scope, starts: list, open_now: dict[int, int]) -> tuple:
    total, per_journey = stats.weekly_from_kept(scope, starts=starts, open_now=open_now)
    return astuple(total), {journey: astuple(series) for journey, series in per_journey.items()}


def assert_kept_equals_direct(*journeys: Journey, weeks: int = 12) -> None:
    """Every journey's kept weeks are current (so the figures below come from the table, not a recount) and give
    the direct count's figures, over all journeys and per journey."""
    for journey in journeys:
        journey.refresh_from_db()
        kept = PainPointWeeksKept.objects.get(journey=journey)
        assert kept.seq == journey.seq, f"the weeks of {journey} are not current"
        counted = pain_point_weeks.count_weeks([journey.pk]).get(journey.pk, {})
        kept_rows = PainPointWeek.objects.filter(journey=journey)
        rows = {row.week: [row.opened, row.solved, row.entered, row.left] for row in kept_rows}
        assert rows == counted
    for scope in [stats.Scope(weeks=weeks)] + [stats.Scope(weeks=weeks, journey_id=j.pk) for j in journeys]:
        starts = stats.week_starts(now=timezone.now(), weeks=weeks)
        open_now = {row.key: row.unsolved for row in stats.status_by_journey(scope)}
        assert from_kept(scope, starts, open_now) == direct(scope, starts, open_now)


@pytest.fixture
def board(django_capture_on_commit_callbacks):
    """A journey with two steps, changed only through the services, each change's after-commit work run."""
    it = make_department("IT")
    journey = make_journey(title="Moving")
    first, second = make_step(journey, "Fills in the form", it), make_step(journey, "Waits", it)
    actor = journey.created_by

    def change(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(actor=actor, **kwargs)

    return {
        "journey": journey,
        "it": it,
        "steps": (first, second),
        "actor": actor,
        "change": change,
        "after_commit": django_capture_on_commit_callbacks,
    }


def test_the_kept_weeks_equal_the_direct_count_after_creates_status_changes_deletes_undo_and_import(board):
    journey, change, it = board["journey"], board["change"], board["it"]
    first, second = board["steps"]
    made = [
        change(services.pain_point_create, step=step, text=f"Pain {n}", severity="high", departments=[it])
        for n, step in enumerate([first, first, second, second, second])
    ]
    assert_kept_equals_direct(journey)

    change(lifecycle.pain_point_pick_up, pain_point=made[0], base_version=None)
    change(lifecycle.pain_point_solve, pain_point=made[1], resolution="Done", base_version=None)
    change(lifecycle.pain_point_mark_wont_fix, pain_point=made[2], reason="Not ours", base_version=None)
    solved = PainPoint.objects.get(pk=made[1].pk)
    change(lifecycle.pain_point_reopen, pain_point=solved, reason="Still hurts", base_version=None)
    assert_kept_equals_direct(journey)

    change(services.pain_point_delete, pain_point=made[3], base_version=None)
    assert_kept_equals_direct(journey)

    change(undo.change_undo, journey=journey)  # the deleted pain point is back
    assert PainPoint.objects.filter(journey=journey).count() == 5
    assert_kept_equals_direct(journey)
    change(undo.change_redo, journey=journey)
    assert_kept_equals_direct(journey)

    doomed = Step.objects.get(pk=second.pk)
    change(services.step_delete, step=doomed, base_version=doomed.version)  # its pain points go with it
    assert_kept_equals_direct(journey)

    with board["after_commit"](execute=True):
        copy = exchange.journey_import(data=exchange.journey_export(journey), actor=board["actor"], title="Copy")
    assert PainPoint.objects.filter(journey=copy).exists()
    assert_kept_equals_direct(journey, copy)
    assert_kept_equals_direct(journey, copy, weeks=52)


def test_a_change_that_cannot_touch_a_pain_point_only_marks_the_weeks_current(board):
    journey, change, it = board["journey"], board["change"], board["it"]
    first = board["steps"][0]
    change(services.pain_point_create, step=first, text="Pain", severity="high", departments=[it])
    rows_before = list(PainPointWeek.objects.filter(journey=journey).values_list("pk", flat=True))

    step = Step.objects.get(pk=first.pk)
    change(services.step_update, step=step, base_version=step.version, title="Fills in the new form")

    journey.refresh_from_db()
    assert PainPointWeeksKept.objects.get(journey=journey).seq == journey.seq
    assert list(PainPointWeek.objects.filter(journey=journey).values_list("pk", flat=True)) == rows_before


def test_journeys_changed_past_the_after_change_job_are_counted_from_their_rows():
    """Rows written straight to the database (the factories, a bulk fix, a failed job): their journeys' kept weeks
    are missing or behind, and the read counts them itself."""
    it = make_department("IT")
    kept_journey, late_journey = make_journey(title="Kept"), make_journey(title="Late")
    now = timezone.now()
    for journey in (kept_journey, late_journey):
        step = make_step(journey, department=it)
        for days in (3, 10, 40):
            made = factories.backdate_pain_point(factories.make_pain_point(step, [it]), now - timedelta(days=days))
            factories.record_status_change(made, "solved", now - timedelta(days=days - 2))
    pain_point_weeks.keep([kept_journey.pk])
    factories.make_pain_point(Step.objects.filter(journey=kept_journey).first(), [it], text="Straight in")
    Journey.objects.filter(pk=kept_journey.pk).update(seq=kept_journey.seq + 1)  # as a change would

    starts = stats.week_starts(now=now, weeks=12)
    open_now = {row.key: row.unsolved for row in stats.status_by_journey(stats.Scope())}
    assert from_kept(stats.Scope(), starts, open_now) == direct(stats.Scope(), starts, open_now)
    assert from_kept(stats.Scope(), starts, open_now)[0][0][-1] >= 1  # the new one counts this week


def test_kept_weeks_of_another_time_zone_are_counted_again(settings):
    it = make_department("IT")
    journey = make_journey(title="Moving")
    factories.make_pain_point(make_step(journey, department=it), [it])
    pain_point_weeks.keep([journey.pk])
    PainPointWeek.objects.filter(journey=journey).update(opened=99)  # what another time zone might have bucketed
    PainPointWeeksKept.objects.filter(journey=journey).update(time_zone="Pacific/Auckland")

    starts = stats.week_starts(now=timezone.now(), weeks=4)
    open_now = {journey.pk: 1}
    assert from_kept(stats.Scope(weeks=4), starts, open_now) == direct(stats.Scope(weeks=4), starts, open_now)


def test_the_command_counts_every_journey_again():
    it = make_department("IT")
    journeys = [make_journey(title=f"Journey {n}") for n in range(3)]
    for journey in journeys:
        factories.make_pain_point(make_step(journey, department=it), [it])

    call_command("keep_pain_point_weeks", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert PainPointWeeksKept.objects.count() == 3
    assert sum(PainPointWeek.objects.values_list("opened", flat=True)) == 3


def queries_for_kept_stats() -> int:
    with CaptureQueriesContext(connection) as captured:
        stats.dashboard_stats(stats.Scope(weeks=52), series_for_top=12)
    return len(captured)


def build(journeys: int, pain_points_each: int) -> None:
    it = make_department()
    now = timezone.now()
    for number in range(journeys):
        step = make_step(make_journey(title=f"Journey {number}"), department=it)
        for days in range(pain_points_each):
            made = factories.make_pain_point(step, [it])
            made = factories.backdate_pain_point(made, now - timedelta(days=5 * days + 1))
            if days % 2:
                factories.record_status_change(made, "solved", now - timedelta(days=days))


def test_kept_or_counted_the_number_of_queries_does_not_grow_with_the_data(django_assert_num_queries):
    build(journeys=1, pain_points_each=2)
    pain_point_weeks.keep_all()
    small = queries_for_kept_stats()
    build(journeys=8, pain_points_each=12)
    pain_point_weeks.keep_all()

    with django_assert_num_queries(small):
        stats.dashboard_stats(stats.Scope(weeks=52), series_for_top=12)
    # Journeys not kept (or behind): one more query counts all of them, however many there are.
    build(journeys=1, pain_points_each=2)
    with django_assert_num_queries(small + 1):
        stats.dashboard_stats(stats.Scope(weeks=52), series_for_top=12)
    build(journeys=5, pain_points_each=9)
    with django_assert_num_queries(small + 1):
        stats.dashboard_stats(stats.Scope(weeks=52), series_for_top=12)


def test_changes_made_as_one_run_keep_the_weeks_once_and_right(board, monkeypatch):
    """A run of changes from sync code (the demo loader's): the weeks are counted once per journey at the end, and
    come out as if counted after each change."""
    journey, change, it = board["journey"], board["change"], board["it"]
    first, second = board["steps"]
    counted = []
    real_keep = pain_point_weeks.keep
    monkeypatch.setattr(pain_point_weeks, "keep", lambda ids: counted.append(list(ids)) or real_keep(ids))
    with fanout.one_run_of_changes():
        made = [
            change(services.pain_point_create, step=step, text=f"Pain {n}", severity="high", departments=[it])
            for n, step in enumerate([first, second, second])
        ]
        change(lifecycle.pain_point_solve, pain_point=made[1], resolution="Done", base_version=None)
        step = Step.objects.get(pk=first.pk)
        change(services.step_update, step=step, base_version=step.version, title="Fills in the new form")
        assert counted == []
    assert counted == [[journey.pk]]
    assert_kept_equals_direct(journey)


def test_a_run_of_renames_with_another_process_s_change_in_between_counts_again(board):
    """Renames cannot touch a pain point, but a gap in a run's seqs is a change made by another process, which
    might have: the weeks are counted again, not only marked current."""
    journey, change = board["journey"], board["change"]
    first = board["steps"][0]
    step = Step.objects.get(pk=first.pk)
    change(services.step_update, step=step, base_version=step.version, title="Renamed once")
    rename = Event.objects.filter(journey=journey).latest("seq")
    kept = PainPointWeeksKept.objects.get(journey=journey).seq
    # Another process: a pain point at kept + 2, between this process's renames at kept + 1 and kept + 3.
    PainPoint.objects.create(
        journey=journey, step=first, text="Added elsewhere", severity="high", created_at=timezone.now()
    )
    Journey.objects.filter(pk=journey.pk).update(seq=kept + 3)
    run = [Event(journey_id=journey.pk, seq=kept + n, kind=rename.kind, targets=rename.targets) for n in (1, 3)]

    pain_point_weeks.keep_after_change(run)

    assert_kept_equals_direct(journey)
