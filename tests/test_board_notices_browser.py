"""What the board tells a participant, and when it stops telling it: the conflict notice, and Esc in the help."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from journeys import services
from journeys.models import Step
from tests.factories import make_department, make_journey, make_step, make_user
from tests.test_board_browser import card, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def board(live_daphne, page: Page):
    customer = make_department("Customer")
    bram, anna = make_user("bram"), make_user("anna")
    journey = make_journey(facilitator=bram, members=[anna], title="I want to cancel my policy")
    step = make_step(journey, "Calls the contact centre", customer)
    log_in(page, live_daphne, "bram")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    return {"journey": journey, "step": step, "anna": anna}


def open_editor(page: Page, step: Step) -> None:
    card(page, step.title).click()
    page.locator(f"#step-detail-{step.pk}").get_by_role("button", name="Edit step").click()
    expect(page.locator(f"#step-{step.pk}-title")).to_be_visible()


def test_the_conflict_notice_goes_once_the_same_edit_is_saved_again(board, page: Page):
    step = board["step"]
    open_editor(page, step)
    step.refresh_from_db()
    services.step_update(step=step, actor=board["anna"], base_version=step.version, title="Anna's title")
    page.locator(f"#step-{step.pk}-title").fill("Bram's title")

    page.locator(f"#step-{step.pk}-editor").get_by_role("button", name="Save").click()
    notice = page.locator("#conflict-region .conflict")
    expect(notice).to_contain_text("Nothing was saved")
    page.locator(f"#step-{step.pk}-editor").get_by_role("button", name="Save").click()  # keep mine

    expect(page.locator(f"#step-{step.pk}-heading")).to_have_text("Bram's title")
    expect(notice).to_have_count(0)


def test_cancelling_the_conflicting_edit_takes_the_notice_away(board, page: Page):
    step = board["step"]
    open_editor(page, step)
    step.refresh_from_db()
    services.step_update(step=step, actor=board["anna"], base_version=step.version, title="Anna's title")
    page.locator(f"#step-{step.pk}-title").fill("Bram's title")
    page.locator(f"#step-{step.pk}-editor").get_by_role("button", name="Save").click()
    expect(page.locator("#conflict-region .conflict")).to_contain_text("Nothing was saved")

    page.locator(f"#step-{step.pk}-editor").get_by_role("button", name="Cancel").click()

    expect(page.locator("#conflict-region .conflict")).to_have_count(0)


def test_esc_in_the_help_closes_the_help_and_leaves_the_step_open(board, page: Page):
    card(page, board["step"].title).click()
    expect(page.locator("#drawer")).to_have_class(re.compile(r"\bopen\b"))
    page.locator("body").press("?")
    expect(page.locator("#help-dialog")).to_be_visible()

    page.keyboard.press("Escape")

    expect(page.locator("#help-dialog")).to_be_hidden()
    expect(page.locator("#drawer")).to_have_class(re.compile(r"\bopen\b"))
    page.keyboard.press("Escape")
    expect(page.locator("#drawer")).not_to_have_class(re.compile(r"\bopen\b"))


def test_a_step_added_beyond_the_edge_of_the_screen_is_brought_into_view(live_daphne, page: Page):
    customer = make_department("Customer")
    bram = make_user("bram")
    journey = make_journey(facilitator=bram, title="My claim was rejected")
    for n in range(14):
        make_step(journey, f"Step {n} of the claim", customer)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_daphne, "bram")
    page.goto(f"{live_daphne}/j/{journey.pk}/")

    page.locator("#new-step-title").fill("Receives the decision")
    page.keyboard.press("Enter")

    expect(card(page, "Receives the decision")).to_be_in_viewport()
    expect(page.locator("#new-step-title")).to_be_focused()


def test_two_quick_keyboard_moves_both_happen(live_daphne, page: Page):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    bram = make_user("bram")
    journey = make_journey(facilitator=bram, title="I want to cancel my policy")
    make_step(journey, "Calls the contact centre", customer)
    make_step(journey, "Agent cancels the policy", contact)
    make_step(journey, "Receives a letter", customer)
    log_in(page, live_daphne, "bram")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    card(page, "Receives a letter").focus()

    page.keyboard.press("Alt+ArrowDown")  # to the contact centre's lane
    page.keyboard.press("Alt+ArrowLeft")  # and straight away one place earlier, before the agent's step

    expect(card(page, "Receives a letter")).to_have_attribute("data-version", "3")
    steps = Step.objects.filter(journey=journey).select_related("department")
    assert [(s.title, s.department.name) for s in steps] == [
        ("Calls the contact centre", "Customer"),
        ("Receives a letter", "Contact centre"),
        ("Agent cancels the policy", "Contact centre"),
    ]
    expect(page.locator("#conflict-region .conflict")).to_have_count(0)
    expect(card(page, "Receives a letter")).to_be_focused()
