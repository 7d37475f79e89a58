"""History read from a journey file is the file's claim: it is marked as imported and moves none of the managers'
figures for the period it claims; what happens to imported pain points here counts from the import on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dashboard import stats
from exchange import services as exchange
from journeys.models import PainPoint
from painpoints import services as lifecycle
from tests.factories import (
    backdate_pain_point,
    make_department,
    make_journey,
    make_manager,
    make_pain_point,
    make_step,
    make_user,
    record_status_change,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured():
    """What the organisation measured: ten pain points, each solved five weeks after it was reported, and two open."""
    contact = make_department("Contact centre")
    step = make_step(make_journey(title="Moving"), department=contact)
    now = timezone.now()
    for number in range(10):
        made = backdate_pain_point(make_pain_point(step, [contact]), now - timedelta(weeks=9, days=number))
        record_status_change(made, "solved", now - timedelta(weeks=4, days=number))
    for number in range(2):
        backdate_pain_point(make_pain_point(step, [contact], text=f"open {number}"), now - timedelta(weeks=3))
    return contact


def fake_timeline_file(department: str, *, solved: int, still_open: int = 0) -> dict:
    """An export whose pain points claim to have been reported and solved within a day, over the last weeks."""
    now = timezone.now()
    pain_points = []
    for number in range(solved + still_open):
        reported = now - timedelta(weeks=1 + number % 8, hours=30)
        done = number < solved
        pain_points.append(
            {
                "step": 1,
                "text": f"Claimed {number}",
                "status": "solved" if done else "open",
                "responsible_departments": [department],
                "created_at": reported.isoformat(),
                "solved_at": (reported + timedelta(days=1)).isoformat() if done else None,
                "activities": [
                    {"kind": "created", "to_status": "open", "created_at": reported.isoformat()},
                    *(
                        [
                            {
                                "kind": "solved",
                                "from_status": "open",
                                "to_status": "solved",
                                "created_at": (reported + timedelta(days=1)).isoformat(),
                            }
                        ]
                        if done
                        else []
                    ),
                ],
            }
        )
    return {
        "format": "journey-board",
        "version": 1,
        "journey": {"title": "Claims, as another office says it went"},
        "departments": [{"name": department, "colour": "#336699"}],
        "steps": [{"key": 1, "title": "Customer calls", "department": department}],
        "pain_points": pain_points,
    }


def figures() -> tuple:
    result = stats.dashboard_stats(stats.Scope(weeks=12))
    flow = result.flow.total
    return sum(flow.solved), result.median_time_to_solve, flow.opened, flow.solved, flow.backlog


def test_a_fake_timeline_in_an_import_moves_none_of_the_dashboard_figures(measured):
    before = figures()
    assert before[0] == 10 and before[1] == timedelta(weeks=5)

    exchange.journey_import(data=fake_timeline_file("Contact centre", solved=50), actor=make_user())

    assert figures() == before  # solved in the period, median time to solve, opened / solved / backlog per week
    assert PainPoint.objects.filter(imported_at__isnull=False).count() == 50


def test_imported_open_pain_points_count_from_the_week_of_the_import_and_never_in_the_weeks_they_claim(measured):
    before = figures()

    exchange.journey_import(data=fake_timeline_file("Contact centre", solved=0, still_open=4), actor=make_user())

    solved, median, opened, solved_weeks, backlog = figures()
    assert (solved, median, solved_weeks) == before[:2] + (before[3],)
    assert opened[:-1] == before[2][:-1] and opened[-1] == before[2][-1] + 4  # arrived this week
    assert backlog[:-1] == before[4][:-1] and backlog[-1] == before[4][-1] + 4


def test_an_imported_pain_point_solved_here_counts_from_its_import_not_its_claimed_report(measured):
    importer = make_user()
    journey = exchange.journey_import(data=fake_timeline_file("Contact centre", solved=0, still_open=1), actor=importer)
    pain_point = PainPoint.objects.get(journey=journey)
    lifecycle.pain_point_solve(pain_point=pain_point, actor=importer, resolution="Called back", base_version=1)

    result = stats.dashboard_stats(stats.Scope(weeks=12))

    assert sum(result.flow.total.solved) == 11
    assert result.median_time_to_solve == timedelta(weeks=5)  # eleven solves: the middle one is still five weeks
    pain_point.refresh_from_db()
    assert pain_point.solved_at - pain_point.imported_at < timedelta(minutes=1)


def test_an_import_refuses_history_dated_in_the_future_and_saves_nothing(measured):
    data = fake_timeline_file("Contact centre", solved=1)
    data["pain_points"][0]["solved_at"] = (timezone.now() + timedelta(days=30)).isoformat()
    count = PainPoint.objects.count()

    with pytest.raises(exchange.ValidationError, match=r"pain_points\[0\]\.solved_at: a moment in the future"):
        exchange.journey_import(data=data, actor=make_user())
    assert PainPoint.objects.count() == count


def test_a_copy_made_here_is_not_imported_history():
    contact = make_department("Contact centre")
    original = make_journey(title="Moving")
    make_pain_point(make_step(original, department=contact), [contact])

    copy = exchange.journey_copy(
        journey=original, actor=original.created_by, title="Moving 2", include_pain_points=True
    )

    assert PainPoint.objects.get(journey=copy).imported_at is None


def test_the_dashboard_says_how_it_counts_imported_pain_points(measured):
    client = Client()
    client.force_login(make_manager())

    page = client.get("/dashboard/").content.decode()

    assert "imported from a file count from the day of the import" in page
