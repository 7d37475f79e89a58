"""The customer score on the manager dashboard: each journey's indicator, latest value, change and sparkline."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_department, make_journey, make_manager, make_pain_point, make_step, make_user
from tests.live_client import run_async
from tests.test_dashboard_views import _connect, _next_message
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def manager_client(language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(make_manager())
    return client


def record(journey, value: str, days_ago: int = 0) -> None:
    workshop_services.indicator_measurement_record(
        journey=journey,
        actor=journey.created_by,
        measured_on=timezone.localdate() - timedelta(days=days_ago),
        value=Decimal(value),
    )


def score_row(html: str, journey) -> str:
    """The score table's row of one journey ("" when it is not listed)."""
    table = html.split('id="score-table"', 1)[1].split("</table>", 1)[0]
    match = re.search(rf'<tr id="score-{journey.pk}".*?</tr>', table, re.S)
    return match.group(0) if match else ""


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def scored():
    """Moving (CSAT, rising), Claims (NPS, falling) and Newcomer (one measurement) and Unmeasured (none)."""
    it = make_department("IT")
    moving = make_journey(title="Moving")
    make_step(moving, department=it)
    for days_ago, value in ((60, "61"), (30, "68"), (0, "74.5")):
        record(moving, value, days_ago)
    claims = make_journey(title="Claims")
    workshop_services.customer_indicator_set(journey=claims, actor=claims.created_by, kind="nps")
    for days_ago, value in ((20, "-10"), (5, "-15")):
        record(claims, value, days_ago)
    newcomer = make_journey(title="Newcomer")
    record(newcomer, "80", 2)
    unmeasured = make_journey(title="Unmeasured")
    return {"it": it, "moving": moving, "claims": claims, "newcomer": newcomer, "unmeasured": unmeasured}


def test_each_journey_shows_its_indicator_latest_score_and_the_change_in_arrow_and_word(scored):
    html = manager_client().get("/dashboard/").content.decode()

    moving = text_of(score_row(html, scored["moving"]))
    assert "CSAT 74.5" in moving and timezone.localdate().strftime("%-d %b %Y") in moving
    assert "▲ +6.5 up" in moving
    claims = text_of(score_row(html, scored["claims"]))
    assert "NPS -15" in claims and "▼ -5 down" in claims
    assert "first measurement" in text_of(score_row(html, scored["newcomer"]))
    assert score_row(html, scored["unmeasured"]) == ""
    assert "1 more journey in these filters has no measurement yet." in html
    assert html.index(f'id="score-{scored["claims"].pk}"') < html.index(f'id="score-{scored["moving"].pk}"')  # by title


def test_the_sparkline_has_a_title_a_description_and_its_numbers_in_a_table(scored):
    html = manager_client().get("/dashboard/").content.decode()
    row = score_row(html, scored["moving"])
    chart = f"score-{scored['moving'].pk}"

    assert f'role="img" aria-labelledby="{chart}-title {chart}-desc"' in row
    assert f'<title id="{chart}-title">CSAT of Moving in the period</title>' in row
    assert re.search(rf'<desc id="{chart}-desc">3 measurements: from 61 on .+ to 74.5 on .+\.</desc>', row)
    points = re.search(r'<polyline points="([^"]+)"', row).group(1).split()
    assert len(points) == 3 and float(points[0].split(",")[1]) > float(points[-1].split(",")[1])  # rising: up
    numbers = html.split("The numbers behind these sparklines", 1)[1].split("</table>", 1)[0]
    assert text_of(numbers).count("Moving") == 3 and "CSAT 68" in text_of(numbers)


def test_the_period_limits_the_sparkline_but_not_the_latest_value_and_its_change(scored):
    html = manager_client().get("/dashboard/?weeks=4").content.decode()

    moving = score_row(html, scored["moving"])
    assert "▲ +6.5 up" in text_of(moving)  # the measurement before lies outside the period and still counts
    assert "one measurement" in text_of(moving) and "<polyline" not in moving
    assert "2 measurements: from -10 on" in score_row(html, scored["claims"])


def test_a_latest_measurement_before_the_period_says_so(scored):
    record(scored["unmeasured"], "55", 50)

    row = text_of(score_row(manager_client().get("/dashboard/?weeks=4").content.decode(), scored["unmeasured"]))

    assert "CSAT 55" in row and "(before this period)" in row and "no measurement in this period" in row


def test_the_journey_and_department_filters_choose_the_journeys_shown(scored):
    client = manager_client()

    only_claims = client.get(f"/dashboard/?journey={scored['claims'].pk}").content.decode()
    assert score_row(only_claims, scored["claims"]) and not score_row(only_claims, scored["moving"])

    it_only = client.get(f"/dashboard/?department={scored['it'].pk}").content.decode()
    assert score_row(it_only, scored["moving"]) and not score_row(it_only, scored["claims"])
    finance = make_department("Finance")
    make_pain_point(make_step(scored["claims"]), [finance])  # Finance takes part through a pain point of theirs
    cache.clear()
    finance_only = client.get(f"/dashboard/?department={finance.pk}").content.decode()
    assert score_row(finance_only, scored["claims"]) and not score_row(finance_only, scored["moving"])


def test_switching_indicator_shows_only_the_new_one(scored):
    moving = scored["moving"]
    workshop_services.customer_indicator_set(journey=moving, actor=moving.created_by, kind="nps")
    record(moving, "12", 1)

    row = text_of(score_row(manager_client().get("/dashboard/").content.decode(), moving))

    assert "NPS 12" in row and "first measurement" in row and "74.5" not in row


def queries_for_page(client: Client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/dashboard/").status_code == 200
    return len(captured)


def test_the_scores_cost_the_same_queries_whatever_the_number_of_journeys_and_measurements(scored):
    client = manager_client()
    few = queries_for_page(client)
    for index in range(6):
        journey = make_journey(title=f"Journey {index}")
        if index % 2:
            workshop_services.customer_indicator_set(journey=journey, actor=journey.created_by, kind="nps")
        for days_ago in range(0, 70, 7):
            record(journey, str(index + days_ago % 5), days_ago)

    assert queries_for_page(client) == few
    assert manager_client().get("/dashboard/").content.decode().count('class="score-sparkline"') == 8


def test_a_new_measurement_refreshes_the_cached_body(scored):
    client = manager_client()
    client.get("/dashboard/")
    record(scored["moving"], "77", 0)  # replaces today's 74.5

    html = client.get("/dashboard/", headers={"HX-Request": "true"}).content.decode()

    assert "CSAT 77" in text_of(score_row(html, scored["moving"]))


def test_the_score_in_dutch(scored):
    html = manager_client("nl").get("/dashboard/").content.decode()

    assert "Klantindicator per klantreis" in html
    moving = text_of(score_row(html, scored["moving"]))
    assert "74,5" in moving and "▲ +6,5 gestegen" in moving
    assert "▼ -5 gedaald" in text_of(score_row(html, scored["claims"]))


def test_the_csv_exports_carry_the_scores(scored):
    make_pain_point(make_step(scored["moving"]), [scored["it"]])
    client = manager_client()

    journeys = list(csv.reader(io.StringIO(client.get("/dashboard/export/journeys.csv").content.decode("utf-8-sig"))))
    scores = list(csv.reader(io.StringIO(client.get("/dashboard/export/scores.csv").content.decode("utf-8-sig"))))

    today = timezone.localdate().isoformat()
    assert journeys[1] == ["Moving", "1", "0", "0", "0", "1", "CSAT", "74.5", today, "6.5"]
    assert scores[0] == ["Journey", "Customer indicator", "Measured on", "Customer score"]
    assert ["Claims", "NPS", (timezone.localdate() - timedelta(days=5)).isoformat(), "-15.0"] in scores
    assert len(scores) == 1 + 3 + 2 + 1


@pytest.mark.django_db(transaction=True)
def test_a_new_measurement_rings_every_open_dashboard(fresh_layer):  # noqa: F811
    manager = make_manager()
    journey = make_journey(facilitator=make_user())

    async def scenario() -> dict:
        from channels.db import database_sync_to_async

        dashboard, _connected = await _connect(manager)
        await database_sync_to_async(record)(journey, "70")
        message = await _next_message(dashboard, "doorbell")
        await dashboard.disconnect()
        return message

    assert set(run_async(scenario)) == {"doorbell"}
