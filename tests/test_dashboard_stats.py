"""The manager's figures, checked against small hand-built data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard import charts, stats
from tests.factories import (
    backdate_pain_point,
    make_department,
    make_journey,
    make_pain_point,
    make_step,
    record_status_change,
)

pytestmark = pytest.mark.django_db


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def by_name(rows: list[stats.StatusRow]) -> dict[str, tuple[int, int, int, int]]:
    return {row.name: (row.open, row.in_progress, row.solved, row.wont_fix) for row in rows}


@pytest.fixture
def two_journeys():
    """Moving: a pain point shared by IT and Finance (open) and one of IT (in progress).
    Claims: one of Finance (solved) and one of IT (won't fix)."""
    it, finance, legal = make_department("IT"), make_department("Finance"), make_department("Legal")
    moving = make_journey(title="Moving")
    claims = make_journey(title="Claims")
    moving_step, claims_step = make_step(moving), make_step(claims)
    now = timezone.now()
    shared = make_pain_point(moving_step, [it, finance], text="shared")
    picked = record_status_change(make_pain_point(moving_step, [it], text="picked"), "in_progress", now)
    solved = record_status_change(make_pain_point(claims_step, [finance], text="solved"), "solved", now)
    dropped = record_status_change(make_pain_point(claims_step, [it], text="dropped"), "wont_fix", now)
    return {
        "it": it,
        "finance": finance,
        "legal": legal,
        "moving": moving,
        "claims": claims,
        "pain_points": [shared, picked, solved, dropped],
    }


def test_a_pain_point_shared_by_two_departments_counts_once_per_department_and_once_per_journey(two_journeys):
    figures = stats.dashboard_stats(stats.Scope())

    assert by_name(figures.journeys) == {"Moving": (1, 1, 0, 0), "Claims": (0, 0, 1, 1)}
    assert by_name(figures.departments) == {"IT": (1, 1, 0, 1), "Finance": (1, 0, 1, 0)}
    assert figures.totals.total == 4


def test_department_filter_keeps_that_departments_pain_points_and_only_its_row(two_journeys):
    figures = stats.dashboard_stats(stats.Scope(department_ids=(two_journeys["finance"].pk,)))

    assert by_name(figures.journeys) == {"Moving": (1, 0, 0, 0), "Claims": (0, 0, 1, 0)}
    assert by_name(figures.departments) == {"Finance": (1, 0, 1, 0)}


def test_journey_filter_counts_only_that_journey(two_journeys):
    figures = stats.dashboard_stats(stats.Scope(journey_id=two_journeys["claims"].pk))

    assert by_name(figures.journeys) == {"Claims": (0, 0, 1, 1)}
    assert by_name(figures.departments) == {"IT": (0, 0, 0, 1), "Finance": (0, 0, 1, 0)}


def test_a_department_without_pain_points_shows_nothing(two_journeys):
    figures = stats.dashboard_stats(stats.Scope(department_ids=(two_journeys["legal"].pk,)))

    assert figures.journeys == [] and figures.departments == []
    assert figures.median_open_age is None and figures.median_time_to_solve is None
    assert figures.flow.total.opened == [0] * 12


def test_weeks_start_on_monday_across_a_year_boundary():
    starts = stats.week_starts(now=local(2026, 1, 7, 12, 0), weeks=3)

    assert starts == [date(2025, 12, 22), date(2025, 12, 29), date(2026, 1, 5)]


def test_week_bucketing_across_a_year_boundary_uses_local_mondays():
    journey = make_journey()
    step = make_step(journey)
    department = make_department()
    moments = [
        local(2025, 12, 21, 23, 0),  # before the period: not counted
        local(2025, 12, 28, 23, 30),  # Sunday: week of 22 Dec
        datetime(2025, 12, 28, 23, 30, tzinfo=UTC),  # Monday 00:30 in Amsterdam: week of 29 Dec
        local(2025, 12, 31, 18, 0),
        local(2026, 1, 1, 0, 30),
        local(2026, 1, 4, 23, 59),
        local(2026, 1, 5, 0, 0),  # Monday: week of 5 Jan
    ]
    for moment in moments:
        backdate_pain_point(make_pain_point(step, [department]), moment)

    flow = stats.dashboard_stats(stats.Scope(weeks=3), now=local(2026, 1, 7, 12, 0)).flow

    assert flow.week_starts == [date(2025, 12, 22), date(2025, 12, 29), date(2026, 1, 5)]
    assert flow.total.opened == [1, 4, 1]
    assert flow.per_journey[journey.pk].opened == [1, 4, 1]


def test_backlog_follows_creation_solving_wont_fix_and_reopening():
    journey = make_journey()
    step = make_step(journey)
    department = make_department()
    now = local(2026, 1, 7, 12, 0)  # weeks of 22 Dec, 29 Dec, 5 Jan

    def pain_point(when: datetime):
        return backdate_pain_point(make_pain_point(step, [department]), when)

    pain_point(local(2025, 12, 1, 9, 0))  # older than the period, still open
    solved = pain_point(local(2025, 12, 23, 9, 0))
    record_status_change(solved, "in_progress", local(2025, 12, 24, 9, 0))
    record_status_change(solved, "solved", local(2025, 12, 30, 9, 0))
    pain_point(local(2025, 12, 31, 9, 0))
    dropped = pain_point(local(2025, 12, 22, 10, 0))
    record_status_change(dropped, "wont_fix", local(2026, 1, 2, 9, 0))
    record_status_change(dropped, "open", local(2026, 1, 6, 9, 0))

    flow = stats.dashboard_stats(stats.Scope(weeks=3), now=now).flow

    assert flow.total.opened == [2, 1, 0]
    assert flow.total.solved == [0, 1, 0]
    assert flow.total.backlog == [3, 2, 3]
    assert flow.per_journey[journey.pk].backlog == [3, 2, 3]


def test_backlog_walked_back_from_todays_count():
    assert stats.backlog_walked_back(5, [2, -1, 3]) == [3, 2, 5]


def test_median_age_of_open_pain_points_and_median_time_to_solve():
    journey = make_journey()
    step = make_step(journey)
    department = make_department()
    now = timezone.now()
    for days in (1, 3, 10):
        backdate_pain_point(make_pain_point(step, [department]), now - timedelta(days=days))
    for took in (2, 4, 6, 8):
        reported = backdate_pain_point(make_pain_point(step, [department]), now - timedelta(days=20))
        record_status_change(reported, "solved", reported.created_at + timedelta(days=took))
    long_ago = backdate_pain_point(make_pain_point(step, [department]), now - timedelta(days=400))
    record_status_change(long_ago, "solved", now - timedelta(days=300))  # solved before the period: not counted

    figures = stats.dashboard_stats(stats.Scope(), now=now)

    assert figures.median_open_age == timedelta(days=3)
    assert figures.median_time_to_solve == timedelta(days=5)


def build_organisation(journeys: int, pain_points_each: int) -> None:
    departments = [make_department() for _ in range(3)]
    for index in range(journeys):
        step = make_step(make_journey(title=f"Journey {index}"))
        for number in range(pain_points_each):
            made = make_pain_point(step, departments[: 1 + number % 3])
            made = backdate_pain_point(made, timezone.now() - timedelta(days=3 * number + 1))
            if number % 2:
                record_status_change(made, "solved", timezone.now() - timedelta(days=number))


def queries_for_stats() -> int:
    with CaptureQueriesContext(connection) as captured:
        stats.dashboard_stats(stats.Scope(weeks=12))
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_data():
    build_organisation(journeys=1, pain_points_each=2)
    small = queries_for_stats()
    build_organisation(journeys=6, pain_points_each=9)

    assert queries_for_stats() == small <= 12


def test_chart_geometry_puts_more_opened_higher_and_scales_the_backlog_to_the_top():
    series = stats.WeeklySeries(opened=[4, 1, 0], solved=[0, 2, 5], backlog=[4, 3, 10])
    chart = charts.weekly_chart(series, ["a", "b", "c"])

    assert chart.opened[0].height > chart.opened[1].height and chart.opened[2].height == 0
    assert chart.solved[2].y == chart.zero_y and chart.solved[2].height > chart.solved[1].height
    assert chart.backlog[2].y == chart.backlog_top  # 10 is a nice ceiling: the highest point touches the top
    assert chart.backlog_line.startswith("M") and chart.backlog_line.count("L") == 2
    assert [label.text for label in chart.x_labels] == ["a", "b", "c"]


def test_nice_ceiling_rounds_up_to_one_two_or_five():
    assert [charts.nice_ceiling(v) for v in (0, 3, 7, 11, 20, 21, 460)] == [1, 5, 10, 20, 20, 50, 500]


@pytest.mark.django_db
def test_the_weekly_figures_leave_a_later_version_of_a_process_out():
    from versions import services as versions

    customer = make_department("Customer")
    journey = make_journey(title="I am moving")
    make_pain_point(make_step(journey, "Fills in the form", customer), [customer], text="On the process")
    future = versions.version_start(journey=journey, name="As it should be", actor=journey.created_by)
    drawn = make_pain_point(future.steps.get(), [customer], text="Drawn on the future state")
    starts = stats.week_starts(now=timezone.now(), weeks=2)

    assert stats.weekly_total(stats.Scope(), starts=starts, open_now=1).opened == [0, 1]
    assert set(stats.weekly_per_journey(stats.Scope(), starts=starts, open_now={journey.pk: 1})) == {journey.pk}
    assert drawn.activities.exists() and not stats.activities_in(stats.Scope()).filter(pain_point=drawn).exists()
