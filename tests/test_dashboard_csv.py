"""The dashboard's CSV downloads open properly in English and in Dutch Excel, like the owners' list.

A byte order mark (accents survive), `;` and decimal commas when the interface is Dutch, `,` and decimal points
in English; a title that looks like a formula is defused, a negative score stays a number.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.factories import make_department, make_journey, make_manager, make_pain_point, make_step
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil")'
LANGUAGES = [
    pytest.param("en", ",", ".", id="en"),
    pytest.param("nl", ";", ",", id="nl"),
]
KINDS = ["journeys", "departments", "weeks", "scores"]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def record(journey, value: str, days_ago: int) -> None:
    workshop_services.indicator_measurement_record(
        journey=journey,
        actor=journey.created_by,
        measured_on=timezone.localdate() - timedelta(days=days_ago),
        value=Decimal(value),
    )


@pytest.fixture
def organisation():
    """Moving (CSAT 54.5 then 58), Claims (NPS 0 then -23), a formula-like journey; pain points in Financiën."""
    finance = make_department("Financiën")
    moving = make_journey(title="Verhuizing naar België")
    make_pain_point(make_step(moving, department=finance), [finance], text="Nobody says what happens next")
    record(moving, "54.5", 30)
    record(moving, "58", 0)
    claims = make_journey(title="Claims")
    workshop_services.customer_indicator_set(journey=claims, actor=claims.created_by, kind="nps")
    make_pain_point(make_step(claims), [finance], text="Premium not explained")
    record(claims, "0", 20)
    record(claims, "-23", 5)
    evil = make_journey(title=EVIL)
    make_pain_point(make_step(evil), [finance], text="Looks like a formula")
    record(evil, "70", 3)
    return {"finance": finance, "moving": moving, "claims": claims, "evil": evil}


def download(kind: str, language: str):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(make_manager())
    response = client.get(f"/dashboard/export/{kind}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response


def read(response, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))


def row_of(rows: list[list[str]], first: str, *, index: int = 0) -> list[str]:
    return [row for row in rows if row[0] == first][index]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("language", "delimiter", "_decimal"), LANGUAGES)
def test_each_export_starts_with_the_byte_order_mark_and_splits_on_the_languages_separator(
    organisation, kind, language, delimiter, _decimal
):
    response = download(kind, language)

    assert response.content.startswith("\ufeff".encode())
    header, *rows = read(response, delimiter)
    assert len(header) >= 4 and rows
    assert all(len(row) == len(header) for row in rows)
    other = ";" if delimiter == "," else ","
    assert other not in response.content.decode("utf-8-sig").splitlines()[0]


@pytest.mark.parametrize("kind", ["journeys", "departments", "weeks"])
@pytest.mark.parametrize(("language", "delimiter", "_decimal"), LANGUAGES)
def test_accents_survive(organisation, kind, language, delimiter, _decimal):
    text = read(download(kind, language), delimiter)

    names = {row[0] for row in text}
    assert "Financiën" in names if kind == "departments" else "Verhuizing naar België" in names


@pytest.mark.parametrize(("language", "delimiter", "decimal"), LANGUAGES)
def test_journeys_export_shows_scores_with_the_languages_decimal_mark_and_negative_ones_as_numbers(
    organisation, language, delimiter, decimal
):
    rows = read(download("journeys", language), delimiter)

    today = timezone.localdate().isoformat()
    assert row_of(rows, "Verhuizing naar België")[6:] == ["CSAT", f"58{decimal}0", today, f"3{decimal}5"]
    five_days_ago = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert row_of(rows, "Claims")[6:] == ["NPS", f"-23{decimal}0", five_days_ago, f"-23{decimal}0"]


@pytest.mark.parametrize(("language", "delimiter", "decimal"), LANGUAGES)
def test_scores_export_shows_every_measurement_with_the_languages_decimal_mark(
    organisation, language, delimiter, decimal
):
    rows = read(download("scores", language), delimiter)

    moving = [row[3] for row in rows if row[0] == "Verhuizing naar België"]
    claims = [row[3] for row in rows if row[0] == "Claims"]
    assert moving == [f"54{decimal}5", f"58{decimal}0"]
    assert claims == [f"0{decimal}0", f"-23{decimal}0"]  # not '-23 (text): a negative number is no formula


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("language", "delimiter", "_decimal"), LANGUAGES)
def test_a_formula_like_journey_title_is_defused(organisation, kind, language, delimiter, _decimal):
    rows = read(download(kind, language), delimiter)

    first_cells = {row[0] for row in rows}
    if kind == "departments":
        assert "Financiën" in first_cells  # departments have no journey titles
        return
    assert f"'{EVIL}" in first_cells
    assert EVIL not in first_cells


@pytest.mark.parametrize(("language", "delimiter", "_decimal"), LANGUAGES)
def test_counts_stay_plain_whole_numbers(organisation, language, delimiter, _decimal):
    departments = read(download("departments", language), delimiter)

    assert departments[1:] == [["Financiën", "3", "0", "0", "0", "3"]]
