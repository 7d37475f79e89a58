"""The bell in a real browser against daphne: a hand-over made by someone else shows on the bell of the new owner
without a reload, the inbox leads to the pain point, and the new pages have no serious accessibility problems."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, make_owners_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator(".site-nav .who")).to_be_visible()


def serious_violations(page: Page) -> list:
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_a_hand_over_rings_the_new_owners_bell_live_and_the_inbox_leads_to_it(live_daphne, browser: Browser):
    world = make_owners_world()
    pain_point = world["pain_point"]
    ivo = browser.new_context().new_page()
    log_in(ivo, live_daphne, "ivo")
    ivo.goto(f"{live_daphne}/")
    bell = ivo.locator("#notification-bell")
    expect(bell).to_have_attribute("data-unread", "1")  # the pain point was tagged with IT when it was made
    expect(ivo.locator("#bell-slot")).to_have_attribute("data-state", "live")

    carla = browser.new_context().new_page()
    log_in(carla, live_daphne, "carla")
    carla.goto(f"{live_daphne}/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/")
    carla.select_option("#hand-over-to", label="Ivo Mol")
    carla.get_by_role("button", name="Hand over").click()
    expect(carla.locator(f"#pain-point-{pain_point.pk}-state")).to_contain_text("Ivo Mol")

    expect(bell).to_have_attribute("data-unread", "2")  # no reload
    expect(bell).to_have_accessible_name("Notifications 2 unread")
    expect(ivo.locator("#bell-announcer")).to_contain_text("New notification.")

    bell.click()
    item = ivo.get_by_role("link", name="new Carla Bakker handed a pain point over to you")
    expect(item).to_be_visible()
    assert serious_violations(ivo) == []
    item.click()
    expect(ivo).to_have_url(f"{live_daphne}/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/")
    expect(ivo.locator("#notification-bell")).to_have_attribute("data-unread", "1")


def test_the_settings_page_saves_and_has_no_serious_accessibility_problems(live_daphne, page: Page):
    make_owners_world()
    log_in(page, live_daphne, "ivo")
    page.goto(f"{live_daphne}/notifications/settings/")
    assert serious_violations(page) == []
    page.get_by_label("Someone mentions you").select_option(label="Not at all")
    page.get_by_label("Digest", exact=True).select_option(label="Daily")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".messages")).to_contain_text("Your notification settings are saved.")
    expect(page.get_by_label("Someone mentions you")).to_have_value("off")
    expect(page.get_by_label("Digest", exact=True)).to_have_value("daily")
