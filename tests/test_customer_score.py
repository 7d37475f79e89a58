from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from journeys.errors import FacilitatorOnly
from tests.factories import make_workshop
from workshops import services
from workshops.models import ScoreMeasurement
from workshops.selectors import indicator_summary, sparkline_points


def record(journey, actor, value, days_ago=0):
    return services.indicator_measurement_record(
        journey=journey,
        actor=actor,
        measured_on=timezone.localdate() - timedelta(days=days_ago),
        value=Decimal(value),
    )


def test_sparkline_runs_oldest_to_newest_and_puts_the_highest_value_at_the_top():
    assert sparkline_points([Decimal(10), Decimal(30), Decimal(20)], 80, 22) == "2.0,20.0 40.0,2.0 78.0,11.0"


def test_sparkline_of_equal_values_is_a_flat_line_in_the_middle_and_empty_without_values():
    assert sparkline_points([Decimal(5), Decimal(5)], 80, 22) == "2.0,11.0 78.0,11.0"
    assert sparkline_points([], 80, 22) == ""


@pytest.mark.django_db
def test_a_journey_without_measurements_has_a_csat_summary_without_a_value():
    journey, _facilitator, _people, _points = make_workshop(pain_points=0)
    summary = indicator_summary(journey)
    assert (summary.indicator, summary.latest, summary.trend, summary.history) == ("csat", None, "", [])


@pytest.mark.django_db
def test_summary_gives_the_latest_score_its_change_and_the_trend_in_date_order():
    journey, facilitator, _people, _points = make_workshop(pain_points=0)
    record(journey, facilitator, "61", days_ago=60)
    record(journey, facilitator, "74.5", days_ago=0)
    record(journey, facilitator, "68", days_ago=30)
    summary = indicator_summary(journey)
    assert [value for _day, value in summary.history] == [Decimal("61"), Decimal("68"), Decimal("74.5")]
    assert (summary.latest, summary.change, summary.trend) == (Decimal("74.5"), Decimal("6.5"), "up")
    assert summary.latest_on == timezone.localdate()
    assert len(summary.sparkline.split()) == 3


@pytest.mark.django_db
def test_a_second_measurement_on_the_same_day_replaces_the_first():
    journey, facilitator, _people, _points = make_workshop(pain_points=0)
    record(journey, facilitator, "70")
    record(journey, facilitator, "72")
    assert list(ScoreMeasurement.objects.values_list("value", flat=True)) == [Decimal("72.0")]


@pytest.mark.django_db
def test_nps_allows_negative_scores_and_switching_indicator_never_mixes_scales():
    journey, facilitator, _people, _points = make_workshop(pain_points=0)
    record(journey, facilitator, "80", days_ago=1)
    services.customer_indicator_set(journey=journey, actor=facilitator, kind="nps")
    record(journey, facilitator, "-12")
    summary = indicator_summary(journey)
    assert (summary.indicator, summary.latest, summary.change, summary.trend) == ("nps", Decimal("-12"), None, "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "days_ago", "message"),
    [("-1", 0, "between 0 and 100"), ("101", 0, "between"), ("50", -1, "cannot be in the future")],
)
def test_an_impossible_csat_measurement_is_refused_and_nothing_saved(value, days_ago, message):
    journey, facilitator, _people, _points = make_workshop(pain_points=0)
    seq = journey.seq
    with pytest.raises(ValidationError, match=message):
        record(journey, facilitator, value, days_ago=days_ago)
    journey.refresh_from_db()
    assert ScoreMeasurement.objects.count() == 0 and journey.seq == seq


@pytest.mark.django_db
def test_only_the_facilitator_records_scores_and_chooses_the_indicator():
    journey, _facilitator, (ann, _bob), _points = make_workshop(pain_points=0)
    with pytest.raises(FacilitatorOnly):
        record(journey, ann, "70")
    with pytest.raises(FacilitatorOnly):
        services.customer_indicator_set(journey=journey, actor=ann, kind="nps")
    assert indicator_summary(journey).indicator == "csat"


@pytest.mark.django_db
def test_the_board_header_shows_the_score_with_its_trend_sparkline():
    journey, facilitator, (ann, _bob), _points = make_workshop(pain_points=0)
    record(journey, facilitator, "60", days_ago=7)
    record(journey, facilitator, "58")
    client = Client()
    client.force_login(ann)
    html = client.get(f"/j/{journey.pk}/").content.decode()
    header = html[html.index('id="customer-indicator"') : html.index('id="presence"')]
    assert '<strong class="score-value"' in header and ">58<" in header
    assert "trend-down" in header and "<polyline" in header
    assert "Record a customer score" not in html  # the entry form is the facilitator's
