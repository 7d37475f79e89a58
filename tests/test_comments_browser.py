"""@mention suggestions in a real browser: in the step drawer by keyboard, on the pain point page by mouse; the
comment appears with its mention marked and the member named is told."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from notifications.models import Kind, Notification
from tests.factories import PASSWORD, make_owners_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator(".site-nav .who")).to_be_visible()


def test_a_mention_picked_with_the_keyboard_in_the_step_drawer_tells_the_member(live_daphne, page: Page):
    world = make_owners_world()
    journey, step = world["journey"], world["step"]
    log_in(page, live_daphne, "dirk")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    page.locator(f"#step-{step.pk}").click()
    textarea = page.locator(f"#step-{step.pk}-comment-text")
    textarea.press_sequentially("Can @iv")
    options = page.get_by_role("listbox", name="People on this journey").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Ivo Mol")
    expect(textarea).to_have_attribute("aria-activedescendant", f"step-{step.pk}-comment-text-mentions-0")
    textarea.press("Enter")
    expect(textarea).to_have_value("Can @ivo ")
    expect(page.get_by_role("listbox")).to_be_hidden()
    textarea.press_sequentially("merge the two systems?")
    page.locator(f"#step-{step.pk}-comment-form").get_by_role("button", name="Add comment").click()
    expect(page.locator(f"#step-{step.pk}-comments-list .mention")).to_have_text("@ivo")
    expect(textarea).to_have_value("")
    assert Notification.objects.filter(recipient=world["ivo"], kind=Kind.MENTIONED).count() == 1


def test_mention_suggestions_on_the_pain_point_page_pick_with_the_mouse(live_daphne, page: Page):
    world = make_owners_world()
    pain_point = world["pain_point"]
    log_in(page, live_daphne, "carla")
    page.goto(f"{live_daphne}/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/")
    textarea = page.locator("#comment-text")
    textarea.press_sequentially("Thanks @")
    listbox = page.get_by_role("listbox", name="People on this journey")
    expect(listbox.get_by_role("option")).to_have_count(4)  # everyone on the journey
    results = Axe().run(page)
    serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    listbox.get_by_role("option", name="Dirk").click()
    expect(textarea).to_have_value("Thanks @dirk ")
    expect(textarea).to_be_focused()
    textarea.press("Escape")
