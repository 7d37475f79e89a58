"""Reports follow live in a real browser: the facilitator has the board and the triage queue open while a colleague
off the journey reports through its link and another dismisses the report; neither page is reloaded."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from intake import links, services
from intake.models import Report
from tests.browser import log_in
from tests.factories import make_owners_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def report_from_a_colleague_off_the_journey(live_daphne: str, browser: Browser, journey, text: str) -> None:
    """Through the journey's report link, logged in: the public form's limit counts per address, and the daphne
    serving every browser test of a run keeps those counts (test_intake_browser.py fills the hour's ten)."""
    colleague = browser.new_context().new_page()
    log_in(colleague, live_daphne, "outsider")
    colleague.goto(f"{live_daphne}/report/{links.link_token(journey)}/")
    colleague.get_by_label("What goes wrong for the customer?").fill(text)
    colleague.get_by_role("button", name="Send the report").click()
    expect(colleague.get_by_role("heading", name="Thank you")).to_be_visible()


def test_the_board_count_and_the_open_queue_follow_a_report_and_its_dismissal(
    live_daphne, page: Page, browser: Browser
):
    world = make_owners_world()
    journey = world["journey"]
    log_in(page, live_daphne, "anna")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    queue = page.context.new_page()
    queue.goto(f"{live_daphne}/j/{journey.pk}/reports/")
    expect(queue.locator("#pending-heading")).to_have_text("0 reports waiting")
    count = page.locator("#board-reports-link .reports-waiting")
    expect(count).to_have_count(0)

    report_from_a_colleague_off_the_journey(live_daphne, browser, journey, "Nobody tells me my move came through")

    expect(count).to_have_text("1 waiting for triage")
    expect(queue.locator("#pending-heading")).to_have_text("1 report waiting")
    expect(queue.locator("#report-lists")).to_contain_text("Nobody tells me my move came through")

    colleague = browser.new_context().new_page()
    log_in(colleague, live_daphne, "carla")
    colleague.goto(f"{live_daphne}/j/{journey.pk}/reports/")
    report = Report.objects.get(journey=journey)
    card = colleague.locator(f"#report-{report.pk}")
    card.get_by_text("Triage this report").click()
    card.get_by_label("Why dismiss it? The reporter reads this.").fill("Already known: the web form pain point")
    card.get_by_role("button", name="Dismiss").click()
    expect(colleague.locator("#pending-heading")).to_have_text("0 reports waiting")

    expect(count).to_have_count(0)
    expect(queue.locator("#pending-heading")).to_have_text("0 reports waiting")
    expect(queue.locator("#handled-heading")).to_be_visible()
    expect(queue.locator(f"#handled-{report.pk}")).to_contain_text("Already known: the web form pain point")


def test_a_report_arriving_while_the_facilitator_triages_leaves_her_typing_alone(
    live_daphne, page: Page, browser: Browser
):
    world = make_owners_world()
    journey, step = world["journey"], world["step"]
    services.intake_settings_update(journey=journey, actor=world["anna"], public_enabled=True, public_steps=[step])
    first = services.report_submit(journey=journey, text="The letter went to my old address", step=step, public=True)
    log_in(page, live_daphne, "anna")
    page.goto(f"{live_daphne}/j/{journey.pk}/reports/")
    card = page.locator(f"#report-{first.pk}")
    card.get_by_text("Triage this report").click()
    reason = card.get_by_label("Why dismiss it? The reporter reads this.")
    reason.fill("Known: the mail forward")

    report_from_a_colleague_off_the_journey(live_daphne, browser, journey, "Nobody tells me my move came through")
    page.wait_for_timeout(1500)  # the push has arrived by now; the lists must not refetch over her choice

    expect(reason).to_have_value("Known: the mail forward")
    expect(card.locator("details")).to_have_attribute("open", "")
    card.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#pending-heading")).to_have_text("1 report waiting")
    expect(page.locator("#report-lists")).to_contain_text("Nobody tells me my move came through")
