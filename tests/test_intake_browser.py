"""The public report form and triage in a real browser: the facilitator opens the public form for one step, someone
without an account reports through it (the honeypot stays out of sight, the eleventh report in an hour is refused),
and the facilitator accepts the report onto the board."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from intake.models import Report
from journeys.models import PainPoint
from tests.browser import log_in, serious_violations
from tests.factories import make_owners_world, make_step

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_public_report_within_its_limits_is_triaged_onto_the_board(live_daphne, page: Page, browser: Browser):
    world = make_owners_world()
    journey, step = world["journey"], world["step"]
    hidden = make_step(journey, "Policy administration recalculates the premium")
    log_in(page, live_daphne, "anna")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    page.get_by_role("link", name="Reports").click()
    page.get_by_label("Open the public form").check()
    page.get_by_role("group", name="Steps the public form shows").get_by_label(step.title).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("The report settings are saved.")
    link = page.locator("#report-link").input_value()

    public = browser.new_context().new_page()
    public.goto(link)
    expect(public.get_by_role("heading", name="Report a pain point")).to_be_visible()
    expect(public.locator("main")).to_contain_text(journey.title)
    options = public.get_by_label("Where in the process?").locator("option")
    expect(options).to_have_text(["I don't know", step.title])
    assert hidden.title not in public.content()
    expect(public.get_by_label("Leave this empty")).not_to_be_in_viewport()
    assert serious_violations(public) == []
    public.get_by_label("What goes wrong for the customer?").fill("The confirmation letter went to my old address")
    public.get_by_label("Where in the process?").select_option(label=step.title)
    public.get_by_label("Your e-mail address (optional)").fill("client@example.org")
    public.get_by_role("button", name="Send the report").click()
    expect(public.get_by_role("heading", name="Thank you")).to_be_visible()

    for index in range(2, 11):  # the rest of the hour's ten
        public.goto(link)
        public.get_by_label("What goes wrong for the customer?").fill(f"Report {index}")
        public.get_by_role("button", name="Send the report").click()
        expect(public.get_by_role("heading", name="Thank you")).to_be_visible()
    public.goto(link)
    public.get_by_label("What goes wrong for the customer?").fill("The eleventh")
    public.get_by_role("button", name="Send the report").click()
    expect(public.get_by_role("alert")).to_contain_text("Many reports came in from here in the last hour")
    expect(public.get_by_label("What goes wrong for the customer?")).to_have_value("The eleventh")
    assert Report.objects.filter(journey=journey).count() == 10

    page.reload()
    report = Report.objects.get(text__startswith="The confirmation letter")
    card = page.locator(f"#report-{report.pk}")
    expect(card).to_contain_text(f"at “{step.title}”")
    card.get_by_text("Triage this report").click()
    card.get_by_label("Pain point", exact=True).fill("The confirmation goes to the old address")
    card.get_by_label("Severity").select_option("high")
    card.get_by_role("group", name="Responsible departments").get_by_label("IT").check()
    assert serious_violations(page) == []
    card.get_by_role("button", name="Accept onto the board").click()
    expect(page.locator(".messages")).to_contain_text("Done. Choose the next report.")
    expect(page.locator(f"#report-{report.pk}")).to_have_count(0)
    expect(page.locator(f"#handled-{report.pk}")).to_contain_text("accepted")
    pain_point = PainPoint.objects.get(text="The confirmation goes to the old address")
    assert (pain_point.step_id, pain_point.severity) == (step.pk, "high")
    page.locator(f"#handled-{report.pk}").get_by_role("link").click()
    expect(page.locator("main")).to_contain_text("The confirmation goes to the old address")
