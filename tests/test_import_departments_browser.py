"""The import's department choice in Debian's chromium: a file naming a department the organisation lacks asks which
one it is, refuses to go on without a choice, and builds the board in the chosen department; in English and Dutch, on
a desk and a phone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from journeys.models import Department, Journey, Step
from tests.factories import PASSWORD, make_department, make_user
from tests.test_dutch import LOCALE
from tests.test_import_departments import CYRILLIC_CUSTOMER, journey_file

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"


@pytest.fixture(autouse=True)
def compiled_messages() -> None:
    if not (LOCALE / "django.mo").exists():
        call_command("compilemessages", locale=["nl"], ignore_patterns=[".venv", "staticfiles", "bench"], verbosity=0)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en-GB",
            {"heading": "Which departments?", "import": "Import", "choose": "Choose a department for this one."},
        ),
        (
            "nl-NL",
            {"heading": "Welke afdelingen?", "import": "Importeren", "choose": "Kies hiervoor een afdeling."},
        ),
    ],
)
def test_the_importer_chooses_the_department_a_file_names_and_the_board_uses_it(
    live_daphne: str, browser: Browser, tmp_path: Path, language: str, words: dict[str, str]
) -> None:
    make_department("Customer")
    it = make_department("IT")
    make_user("eva")
    upload = tmp_path / "journey.json"
    upload.write_text(json.dumps(journey_file(CYRILLIC_CUSTOMER, "ICT"), ensure_ascii=False), encoding="utf-8")
    page = browser.new_context(locale=language, viewport={"width": 390, "height": 800}).new_page()
    page.goto(f"{live_daphne}/login/?next=/import/")
    page.fill("#id_username", "eva")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/import/")

    page.set_input_files("input[type=file]", str(upload))
    page.locator("form button.primary").click()

    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    choice = page.get_by_label("“ICT”")
    expect(page.locator("select")).to_have_count(1)  # "Сustomer" is Customer: not asked
    page.get_by_role("button", name=words["import"], exact=True).click()  # without a choice
    expect(page.get_by_role("alert").filter(has_text=words["choose"])).to_be_visible()
    assert not Journey.objects.filter(title="I am moving").exists()
    for width in (390, 1280):  # a phone and a desk
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(RESULTS / f"import-departments-{language}-{width}.png"), full_page=True)

    choice.select_option(label="IT")
    page.get_by_role("button", name=words["import"], exact=True).click()

    page.wait_for_url("**/j/*/")
    journey = Journey.objects.get(title="I am moving")
    assert Step.objects.get(journey=journey, title="Step in ICT").department == it
    assert not Department.objects.filter(name__in=["ICT", CYRILLIC_CUSTOMER]).exists()
