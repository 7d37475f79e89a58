"""Linking a shared fix in a real browser: Carla starts a fix, links the pain points it solves on two journeys,
marks it done, and solves one of them with one click on its page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from fixes.models import Fix
from journeys.models import PainPoint
from tests.browser import log_in, serious_violations
from tests.factories import make_journey, make_owners_world, make_pain_point, make_step, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_fix_is_started_linked_to_pain_points_of_two_journeys_and_solves_them(live_daphne, page: Page):
    world = make_owners_world()
    other = make_journey(facilitator=make_user("olga"), members=[world["carla"]], title="I want to cancel my policy")
    elsewhere = make_pain_point(make_step(other, "Cancellation form"), [world["it"]], "No confirmation is sent")
    log_in(page, live_daphne, "carla")
    page.get_by_role("link", name="Shared fixes").click()
    page.get_by_label("Title").fill("One status page for every change")
    page.get_by_label("Target date").fill("2027-03-01")
    page.get_by_label("What changes").fill("Agents and customers see the same status.")
    page.get_by_role("button", name="Save the fix").click()
    expect(page.locator(".messages")).to_contain_text("The fix is saved. Link the pain points it solves.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("One status page for every change")

    choose = page.get_by_label("Link a pain point of one of your journeys")
    for pain_point in (world["pain_point"], elsewhere):
        choose.select_option(str(pain_point.pk))
        page.get_by_role("button", name="Link", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Linked.")
        expect(page.locator(f"#fix-link-{pain_point.pk}")).to_contain_text(pain_point.text)
    expect(choose.locator("option", has_text="No confirmation is sent")).to_have_count(0)
    assert serious_violations(page) == []

    page.get_by_label("State").select_option("done")
    page.get_by_role("button", name="Save the fix").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("done")
    page.locator(f"#fix-link-{world['pain_point'].pk}").get_by_role("link").click()
    section = page.locator(f"#pain-point-{world['pain_point'].pk}-fixes")
    expect(section).to_contain_text("One status page for every change")
    section.get_by_role("button", name="Yes, mark it solved").click()
    expect(page.locator(".messages")).to_contain_text("Marked solved.")
    expect(page.locator(f"#pain-point-{world['pain_point'].pk}-state")).to_contain_text("solved")
    assert PainPoint.objects.get(pk=elsewhere.pk).status == "open"
    assert Fix.objects.get().pain_points.count() == 2
