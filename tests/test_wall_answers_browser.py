"""Owners' actions and mirror saves without a page reload, in a real browser against daphne: the answer is swapped in
(out of band) and the page stays the same page; the facilitator enters five customer scores with one save."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from journeys.models import CustomerScore, PainPoint
from tests.factories import PASSWORD, make_journey, make_owners_world, make_step, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_page(browser: Browser, base_url: str, username: str, path: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{base_url}{path}")
    page.evaluate("() => { window.notReloaded = true; }")
    return page


def posts_to(page: Page, pattern: str) -> list[str]:
    posts: list[str] = []
    page.on(
        "request",
        lambda request: request.method == "POST" and re.search(pattern, request.url) and posts.append(request.url),
    )
    return posts


def test_owner_picks_up_plans_and_solves_without_a_page_reload(live_daphne, browser: Browser):
    world = make_owners_world()
    pain_point = world["pain_point"]
    page = open_page(browser, live_daphne, "carla", f"/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    state = page.locator(f"#pain-point-{pain_point.pk}-state .status")

    page.get_by_role("button", name="Pick up").click()
    expect(state).to_have_text("in progress")
    expect(page.locator("#pain-point-done")).to_have_text("You picked up this pain point.")
    page.fill("#plan-fix-description", "A status line on the agent's screen")
    page.fill("#plan-fix-date", "2030-01-31")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#pain-point-done")).to_have_text("The fix is planned.")
    expect(page.locator(f"#pain-point-{pain_point.pk}-state")).to_contain_text("A status line on the agent's screen")
    page.fill("#solve-resolution", "The agent screen now shows the change's status")
    page.get_by_role("button", name="Mark solved").click()
    expect(state).to_have_text("solved")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()  # the owner's next action, answered too
    page.fill("#comment-text", "Thanks, IT")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(f"#pain-point-{pain_point.pk}-timeline")).to_contain_text("Thanks, IT")
    expect(page.locator("#comment-text")).to_have_value("")

    assert page.evaluate("window.notReloaded") is True and navigations == []
    assert PainPoint.objects.get(pk=pain_point.pk).status == PainPoint.Status.SOLVED


def test_a_refused_action_says_why_in_the_page_and_keeps_what_was_typed(live_daphne, browser: Browser):
    world = make_owners_world()
    pain_point = world["pain_point"]
    page = open_page(browser, live_daphne, "carla", f"/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/")
    page.get_by_role("button", name="Pick up").click()
    expect(page.get_by_role("button", name="Save the plan")).to_be_visible()
    page.fill("#plan-fix-description", "A status line")
    page.fill("#plan-fix-date", "")
    page.evaluate("document.querySelector('#plan-fix-date').type = 'text'")  # what an old browser lets through
    page.fill("#plan-fix-date", "someday")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#pain-point-feedback")).to_contain_text("Nothing was saved:")
    expect(page.locator("#plan-fix-description")).to_have_value("A status line")
    expect(page.locator("#plan-fix-date")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True


def test_mirror_estimates_and_five_customer_scores_save_without_a_reload(live_daphne, browser: Browser):
    anna, bob = make_user("anna"), make_user("bob")
    journey = make_journey(facilitator=anna, members=[bob])
    steps = [make_step(journey, title) for title in ("Web form", "Mailbox", "Re-keying", "Letter", "Callback")]
    participant = open_page(browser, live_daphne, "bob", f"/j/{journey.pk}/mirror/")
    participant.select_option(f"#id_step-{steps[0].pk}", "8")
    participant.click("#mirror-save")
    expect(participant.locator("#mirror-done")).to_contain_text("Your estimates are saved.")
    expect(participant.locator("#mirror-results")).to_contain_text("So far 1 estimates from 1 participant")
    assert participant.evaluate("window.notReloaded") is True

    lead = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/mirror/")
    posts = posts_to(lead, r"/mirror/customer-scores/$")
    for index, step in enumerate(steps):
        lead.get_by_label(f"Customer score for {step.title}").fill(f"{index + 5},5")
        lead.get_by_label(f"Responses for {step.title}").fill(str(20 + index))
    lead.get_by_role("button", name="Save the customer scores").click()
    expect(lead.locator("#mirror-done")).to_have_text("The customer scores are saved.")
    expect(lead.locator("#mirror-results")).to_contain_text("5 customer scores")
    expect(participant.locator("#mirror-results")).to_contain_text("5 customer scores", timeout=10_000)  # live
    assert len(posts) == 1 and lead.evaluate("window.notReloaded") is True
    assert CustomerScore.objects.filter(journey=journey).count() == 5

    lead.get_by_label("Customer score for The journey as a whole").fill("7")
    lead.get_by_role("button", name="Save the customer scores").click()
    expect(lead.locator("#mirror-feedback")).to_contain_text("Give the number of responses too.")
    expect(lead.locator("#mirror-done")).to_have_text("")
    assert CustomerScore.objects.filter(journey=journey).count() == 5
