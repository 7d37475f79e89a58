"""The language switch in a real browser: the header's select turns the page Dutch, and pushes follow."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from demo.data import DEMO_PASSWORD, load_demo
from tests.test_dutch import LOCALE

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def compiled_messages() -> None:
    # Compiled before daphne serves anything in Dutch, so its process loads the catalog (fresh clones have no .mo).
    if not (LOCALE / "django.mo").exists():
        call_command("compilemessages", locale=["nl"], ignore_patterns=[".venv", "staticfiles", "bench"], verbosity=0)


def log_in(page: Page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_switching_to_dutch_in_the_header_turns_the_board_and_its_live_announcements_dutch(
    live_daphne: str, browser: Browser
) -> None:
    board = f"/j/{load_demo().journey.pk}/"
    annas = browser.new_context(locale="en-GB").new_page()
    log_in(annas, live_daphne, "anna", board)
    expect(annas.locator("html")).to_have_attribute("lang", "en")

    annas.get_by_role("button", name="NL", exact=True).click()

    expect(annas.locator("html")).to_have_attribute("lang", "nl")
    expect(annas.get_by_role("button", name="Stap toevoegen")).to_be_visible()
    brams = browser.new_context(locale="en-GB").new_page()
    log_in(brams, live_daphne, "bram", board)
    expect(brams.locator("html")).to_have_attribute("lang", "en")  # Anna's choice is hers alone
    expect(annas.locator("#presence-list")).to_contain_text("Bram")  # both sockets are in

    brams.fill("#new-step-title", "Calls the contact centre")
    brams.click("#step-create-form button[type=submit]")

    expect(annas.locator("#board-map .step-card", has_text="Calls the contact centre")).to_be_visible()
    expect(annas.locator("#live-announcer")).to_contain_text("Bram Jansen heeft een stap gewijzigd")
