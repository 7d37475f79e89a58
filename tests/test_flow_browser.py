"""Failure demand and flow in Debian's chromium: shares typed in the drawer move the panel's figures on every screen,
a wrong total is refused out loud, and the flow view and the panel's section pass axe."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from journeys.models import Handoff
from tests.factories import link, make_department, make_journey, make_step, make_user
from tests.test_board_browser import log_in, open_step

pytestmark = pytest.mark.browser


@pytest.fixture
def calls_back():
    customer, contact = make_department("Customer"), make_department("Contact centre")
    anna, bram = make_user("anna"), make_user("bram")
    journey = make_journey(facilitator=anna, members=[bram], title="I am moving")
    asks = make_step(journey, "Customer asks", customer, duration_minutes=10)
    answers = make_step(journey, "Agent answers", contact, duration_minutes=20)
    done = make_step(journey, "Customer is helped", customer, duration_minutes=0)
    link(journey, asks, answers)
    back = link(journey, answers, asks, label="calls back")
    onwards = link(journey, answers, done)
    return journey, back, onwards


def serious(page: Page, context: str) -> list:
    results = Axe().run(page, context=context, options={"runOnly": ["wcag2a", "wcag2aa"]})
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_shares_typed_in_the_drawer_change_the_contacts_per_question_on_every_screen(
    live_daphne, page: Page, browser: Browser, calls_back
):
    journey, back, onwards = calls_back
    other = browser.new_page()
    log_in(other, live_daphne, "bram")
    other.goto(f"{live_daphne}/j/{journey.pk}/")
    log_in(page, live_daphne, "anna")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    figure = "#insight-flow + dl dd"
    expect(page.locator(figure).first).to_have_text("2.00")  # no shares yet: half of the calls come back

    open_step(page, "Agent answers")
    page.get_by_role("button", name="Edit waiting times and shares").click()
    page.locator(f"#route-{back.pk}-share").fill("75")
    page.locator(f"#route-{onwards.pk}-share").fill("20")
    page.locator(f"#route-{back.pk}-share").press("Enter")

    problems = page.locator(f"#step-{back.from_step_id}-routes-problems")
    expect(problems).to_contain_text("add up to 95%; make them add up to 100%.")
    expect(page.locator(f"#route-{back.pk}-share")).to_have_attribute("aria-invalid", "true")
    assert not Handoff.objects.exclude(share_percent=None).exists()

    page.locator(f"#route-{back.pk}-share").fill("25")
    page.locator(f"#route-{onwards.pk}-share").fill("75")
    page.locator(f"#route-{back.pk}-wait").fill("1")
    page.locator(f"#route-{back.pk}-unit").select_option("days")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(f"#step-{back.from_step_id}-routes")).to_contain_text("waits 1 d · 25% of cases")
    expect(page.locator(figure).first).to_have_text("1.33")
    expect(other.locator(figure).first).to_have_text("1.33")  # pushed to Bram's board too
    assert Handoff.objects.get(pk=back.pk).wait_minutes == 1440
    assert not serious(page, "#drawer"), "drawer"
    other.close()


def test_the_flow_view_and_the_panel_section_have_no_serious_accessibility_problems(
    live_daphne, page: Page, calls_back
):
    journey, _back, _onwards = calls_back
    log_in(page, live_daphne, "anna")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    page.locator("#insights-panel details.definitions summary").click()
    assert not serious(page, "#insights-panel"), "panel"

    page.get_by_role("link", name="Open the flow view").click()
    expect(page.get_by_role("heading", name="The main route: work and waiting per step")).to_be_visible()
    expect(page.locator("#flow-route-table tbody tr")).to_have_count(3)
    assert not serious(page, "main"), "flow view"
