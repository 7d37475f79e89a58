"""A keyboard user in the step drawer never loses their place: after opening an editor, saving, cancelling or
removing a hand-off, the focus is where they would look next, never back on the top of the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import link, make_department, make_journey, make_step, make_user
from tests.test_board_browser import card, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def drawer(live_daphne, page: Page):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    bram = make_user("bram")
    journey = make_journey(facilitator=bram, title="I want to cancel my policy")
    calls = make_step(journey, "Calls the contact centre", customer)
    cancels = make_step(journey, "Agent cancels the policy", contact)
    handoff = link(journey, calls, cancels, "phone")
    log_in(page, live_daphne, "bram")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    card(page, calls.title).focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#step-detail-{calls.pk}")).to_be_visible()
    return {"step": calls, "handoff": handoff}


def test_edit_step_puts_the_focus_in_the_title_and_saving_brings_it_back_to_edit_step(drawer, page: Page):
    step = drawer["step"]
    edit = page.locator(f"#step-detail-{step.pk}").get_by_role("button", name="Edit step")
    edit.focus()

    page.keyboard.press("Enter")
    title = page.locator(f"#step-{step.pk}-title")
    expect(title).to_be_focused()
    title.fill("Phones the contact centre")
    page.keyboard.press("Enter")

    expect(page.locator(f"#step-{step.pk}-heading")).to_have_text("Phones the contact centre")
    expect(edit).to_be_focused()


def test_cancelling_the_editor_brings_the_focus_back_to_edit_step(drawer, page: Page):
    step = drawer["step"]
    edit = page.locator(f"#step-detail-{step.pk}").get_by_role("button", name="Edit step")
    edit.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#step-{step.pk}-title")).to_be_focused()

    page.locator(f"#step-{step.pk}-editor").get_by_role("button", name="Cancel").focus()
    page.keyboard.press("Enter")

    expect(page.locator(f"#step-{step.pk}-editor")).to_be_empty()
    expect(edit).to_be_focused()


def test_saving_a_label_keeps_the_focus_on_the_label(drawer, page: Page):
    label = page.locator(f"#handoff-{drawer['handoff'].pk}-label")
    label.focus()
    label.fill("by phone")

    page.keyboard.press("Enter")

    expect(page.locator(f"#base-version-handoff-{drawer['handoff'].pk}")).to_have_value("2")  # saved, swapped in
    expect(page.locator(f"#handoff-{drawer['handoff'].pk}-label")).to_be_focused()


def test_removing_a_hand_off_leaves_the_focus_on_the_hand_offs(drawer, page: Page):
    page.get_by_role("button", name="Remove the hand-off to Agent cancels the policy").focus()

    page.keyboard.press("Enter")

    handoffs = page.locator(f"#step-{drawer['step'].pk}-handoffs")
    expect(handoffs).to_contain_text("Not linked yet.")
    expect(handoffs).to_be_focused()


def test_the_open_drawer_s_step_lists_include_a_step_added_meanwhile(drawer, page: Page):
    detail = page.locator(f"#step-detail-{drawer['step'].pk}")
    hand_off_to = detail.get_by_label("Hand off to")
    place_after = detail.get_by_label("Place after")

    page.locator("#new-step-title").fill("Receives a letter")
    page.keyboard.press("Enter")

    expect(hand_off_to.locator("option")).to_have_text(["—", "Agent cancels the policy", "Receives a letter"])
    expect(place_after.locator("option")).to_have_text(
        ["(keep its place)", "Agent cancels the policy", "Receives a letter"]
    )
    hand_off_to.select_option(label="Receives a letter")
    detail.get_by_role("button", name="Link").click()
    expect(page.locator(f"#step-{drawer['step'].pk}-handoffs")).to_contain_text("Receives a letter")
