"""The board in Debian's chromium against a real daphne: what a workshop participant does and sees."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from journeys.models import Journey, Step
from tests.factories import PASSWORD, link, make_department, make_journey, make_step, make_user

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your customer journeys")).to_be_visible()


def card(page: Page, title: str):
    return page.locator("#board-map .step-card", has_text=title)


def add_step(page: Page, title: str, lane: str) -> None:
    page.locator("#new-step-title").fill(title)
    page.locator("#new-step-lane").select_option(label=lane)
    page.get_by_role("button", name="Add step").click()
    expect(card(page, title)).to_be_visible()
    expect(page.locator("#new-step-title")).to_have_value("")


def open_step(page: Page, title: str) -> str:
    card(page, title).click()
    step_id = card(page, title).get_attribute("data-step-id")
    expect(page.locator(f"#step-detail-{step_id}")).to_be_visible()
    return step_id


def link_to(page: Page, from_id: str, to_title: str, label: str) -> None:
    form = page.locator(f"#handoff-form-{from_id}")
    form.get_by_label("Hand off to").select_option(label=to_title)
    form.get_by_label("Label (optional)").fill(label)
    form.get_by_role("button", name="Link").click()
    expect(page.locator(f"#step-{from_id}-handoffs")).to_contain_text(to_title)


def lane_of(page: Page, title: str) -> str:
    """The name of the lane a card is drawn in, judged by where it is on screen, as a person would."""
    box = card(page, title).bounding_box()
    middle = box["y"] + box["height"] / 2
    for lane in page.locator("#board-map .lane").all():
        lane_box = lane.bounding_box()
        if lane_box["y"] <= middle < lane_box["y"] + lane_box["height"]:
            return lane.locator(".lane-name").inner_text()
    raise AssertionError(f"{title} is in no lane")


def what_the_board_shows(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => ({
        lanes: [...document.querySelectorAll('#board-map .lane-name')].map((h) => h.textContent.trim()),
        cards: [...document.querySelectorAll('#board-map .step-card')].map((c) => ({
            id: c.id, text: c.innerText, lane: c.dataset.departmentId, place: c.parentElement.getAttribute('style'),
            label: c.getAttribute('aria-label')})),
        arrows: [...document.querySelectorAll('#board-map .handoff')].map((g) => ({
            id: g.id, cls: g.getAttribute('class'), d: g.querySelector('path').getAttribute('d')})),
        labels: [...document.querySelectorAll('#board-map .arrow-label')].map((l) => [l.id, l.textContent.trim()]),
        size: [document.getElementById('board-map').style.width, document.getElementById('board-map').style.height],
    })"""
    )


def test_facilitator_maps_a_journey_and_a_reload_shows_the_same_board(live_daphne, page: Page):
    make_department("Customer", "#8e6cc9")
    make_department("Contact centre", "#2b8a9e")
    make_user("anna", first_name="Anna", last_name="de Vries")
    page.set_viewport_size({"width": 1400, "height": 820})
    log_in(page, live_daphne, "anna")

    page.get_by_label("Customer question").fill("I am moving: change my address")
    page.get_by_role("button", name="Create journey").click()
    expect(page.get_by_role("heading", name="I am moving: change my address")).to_be_visible()
    expect(page.locator("#new-step-title")).to_be_visible()

    page.get_by_role("button", name="Add step").click()  # nothing typed yet: told so, nothing added
    expect(page.locator("#new-step-title-error")).to_have_text("Give the step a title.")
    expect(page.locator("#board-map .step-card")).to_have_count(0)
    add_step(page, "Fills in the web form", "Customer")
    expect(page.locator("#new-step-title-error")).to_have_text("")
    add_step(page, "Agent re-keys the address", "Contact centre")
    add_step(page, "Receives a confirmation", "Customer")

    form_id = open_step(page, "Fills in the web form")
    link_to(page, form_id, "Agent re-keys the address", "web form")
    rekey_id = open_step(page, "Agent re-keys the address")
    link_to(page, rekey_id, "Receives a confirmation", "e-mail")
    expect(page.locator("#board-map .handoff")).to_have_count(2)

    pain = page.locator(f"#pain-point-form-{rekey_id}")
    pain.get_by_label("Pain point").fill("Re-keying causes typos")
    pain.get_by_label("Severity").select_option("high")
    pain.get_by_label("Contact centre").check()
    pain.get_by_role("button", name="Add pain point").click()
    expect(page.locator(f"#step-{rekey_id}-pain-points")).to_contain_text("Re-keying causes typos")
    page.keyboard.press("Escape")
    expect(page.locator("#drawer")).not_to_have_class(re.compile(r"\bopen\b"))

    # What a person sees: each card in its lane, left to right, two arrows, one open pain point on one card.
    assert [lane.inner_text() for lane in page.locator("#board-map .lane-name").all()] == [
        "Customer",
        "Contact centre",
    ]
    assert lane_of(page, "Fills in the web form") == "Customer"
    assert lane_of(page, "Agent re-keys the address") == "Contact centre"
    assert lane_of(page, "Receives a confirmation") == "Customer"
    xs = [card(page, t).bounding_box()["x"] for t in ("Fills in", "Agent re-keys", "Receives a")]
    assert xs == sorted(xs) and len(set(xs)) == 3
    expect(page.locator("#board-map .handoff path")).to_have_count(2)
    expect(page.locator("#board-map .arrow-label")).to_have_text(["web form", "e-mail"])
    expect(page.locator("#board-map .pain-badge")).to_have_count(1)
    badge = card(page, "Agent re-keys the address").locator(".pain-badge")
    expect(badge.locator("[aria-hidden=true]")).to_have_text("⚑ 1")
    expect(badge.locator(".visually-hidden")).to_have_text("1 unsolved pain point")
    expect(card(page, "Agent re-keys the address")).to_have_attribute("aria-label", re.compile("1 unsolved pain point"))

    shown = what_the_board_shows(page)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "board-built-in-browser.png"))

    page.reload()
    expect(card(page, "Receives a confirmation")).to_be_visible()
    assert what_the_board_shows(page) == shown

    journey = Journey.objects.get()
    assert journey.steps.count() == 3 and journey.handoffs.count() == 2 and journey.pain_points.count() == 1


def test_keyboard_moves_steps_and_opens_and_closes_the_drawer(live_daphne, page: Page):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    user = make_user("bram")
    journey = make_journey(facilitator=user, title="I want to cancel my policy")
    first = make_step(journey, "Calls the contact centre", customer)
    second = make_step(journey, "Agent cancels the policy", contact)
    third = make_step(journey, "Receives a letter", customer)
    log_in(page, live_daphne, "bram")
    page.goto(f"{live_daphne}/j/{journey.pk}/")

    # Alt+Down: the focused card moves to the lane below, keeps its focus, and the server agrees.
    card(page, "Receives a letter").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(card(page, "Receives a letter")).to_have_attribute("data-department-id", str(contact.pk))
    expect(card(page, "Receives a letter")).to_be_focused()
    assert lane_of(page, "Receives a letter") == "Contact centre"
    # Alt+Up moves it back.
    page.keyboard.press("Alt+ArrowUp")
    expect(card(page, "Receives a letter")).to_have_attribute("data-department-id", str(customer.pk))
    expect(card(page, "Receives a letter")).to_have_attribute("data-version", "3")
    # Alt+Left: one place earlier in the process, so it now comes before the agent's step.
    page.keyboard.press("Alt+ArrowLeft")
    expect(card(page, "Receives a letter")).to_have_attribute("data-version", "4")
    titles = list(Step.objects.filter(journey=journey).values_list("title", flat=True))
    assert titles == [first.title, third.title, second.title]
    # Alt+Right: back to the end.
    page.keyboard.press("Alt+ArrowRight")
    expect(card(page, "Receives a letter")).to_have_attribute("data-version", "5")
    titles = list(Step.objects.filter(journey=journey).values_list("title", flat=True))
    assert titles == [first.title, second.title, third.title]

    expect(card(page, "Receives a letter")).to_be_focused()
    # Enter opens the focused step's drawer; Esc closes it and gives the focus back to the card.
    page.keyboard.press("Enter")
    expect(page.locator(f"#step-detail-{third.pk}")).to_be_visible()
    expect(page.locator("#drawer")).to_have_class(re.compile(r"\bopen\b"))
    page.keyboard.press("Escape")
    expect(page.locator("#drawer")).not_to_have_class(re.compile(r"\bopen\b"))
    expect(card(page, "Receives a letter")).to_be_focused()


def test_zoom_scales_the_board_and_its_scroll_area(live_daphne, page: Page):
    customer = make_department("Customer")
    user = make_user("carla")
    journey = make_journey(facilitator=user, title="A long journey")
    steps = [make_step(journey, f"Step {index}", customer) for index in range(12)]
    for source, target in zip(steps, steps[1:], strict=False):
        link(journey, source, target)
    page.set_viewport_size({"width": 1000, "height": 700})
    log_in(page, live_daphne, "carla")
    page.goto(f"{live_daphne}/j/{journey.pk}/")

    def scroll_width() -> int:
        return page.locator("#board-scroll").evaluate("(el) => el.scrollWidth")

    natural = page.locator("#board-map").evaluate("(el) => el.offsetWidth")
    assert abs(scroll_width() - natural) <= 2
    page.get_by_role("button", name="Zoom in").click()
    assert abs(scroll_width() - natural * 1.25) <= 3
    page.get_by_role("button", name="Fit").click()
    expect(page.get_by_role("button", name="Fit")).to_have_attribute("aria-pressed", "true")
    client_width = page.locator("#board-scroll").evaluate("(el) => el.clientWidth")
    assert scroll_width() <= client_width + 1
    # A wider map (a new step in a new column) is fitted again: the whole board stays on the screen.
    add_step(page, "Step 12", "Customer")
    expect(page.locator("#board-map .step-card")).to_have_count(13)
    page.wait_for_function("() => document.querySelectorAll('#board-map .slot[data-column=\"12\"]').length === 1")
    page.wait_for_timeout(100)
    assert scroll_width() <= client_width + 1
    last = page.locator("#board-map .step-card", has_text="Step 12").bounding_box()
    board = page.locator("#board-scroll").bounding_box()
    assert last["x"] + last["width"] <= board["x"] + board["width"] + 1
    # Pressed again, Fit gives the board back at its normal size.
    page.get_by_role("button", name="Fit").click()
    expect(page.get_by_role("button", name="Fit")).to_have_attribute("aria-pressed", "false")
    assert scroll_width() > client_width


def test_own_edits_in_a_row_never_conflict_with_each_other(live_daphne, page: Page):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    user = make_user("dirk")
    journey = make_journey(facilitator=user, title="I want a new card")
    make_step(journey, "Calls the bank", customer)
    step = make_step(journey, "Orders a card", contact)
    log_in(page, live_daphne, "dirk")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())

    open_step(page, "Orders a card")
    for title in ("Orders a new card", "Orders a replacement card"):
        page.get_by_role("button", name="Edit step").click()
        page.locator(f"#step-{step.pk}-title").fill(title)
        page.locator(f"#step-{step.pk}-editor").get_by_role("button", name="Save").click()
        expect(card(page, title)).to_be_visible()
        expect(page.locator(f"#step-{step.pk}-editor")).to_be_empty()  # saving closes the editor
    page.get_by_text("Move to another lane or place").click()
    page.locator(f"#step-{step.pk}-move-lane").select_option(label="Customer")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(card(page, "Orders a replacement card")).to_have_attribute("data-department-id", str(customer.pk))
    page.get_by_role("button", name="Delete step").click()
    expect(page.locator(f"#step-detail-{step.pk}")).to_contain_text("This step has been deleted.")
    expect(card(page, "Orders a replacement card")).to_have_count(0)
    expect(page.locator("#conflict-region")).to_be_empty()
    assert not Step.objects.filter(pk=step.pk).exists()


def test_board_and_drawer_have_no_serious_accessibility_problems(live_daphne, page: Page):
    from axe_playwright_python.sync_playwright import Axe

    from demo.data import DEMO_PASSWORD, load_demo

    journey = load_demo().journey
    page.goto(f"{live_daphne}/login/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    open_step(page, "Agent checks identity and re-keys the address")
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


def test_dragging_a_card_to_another_lane_and_place_moves_the_step(live_daphne, page: Page):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    user = make_user("eva")
    journey = make_journey(facilitator=user, title="I have a complaint")
    first = make_step(journey, "Writes a complaint", customer)
    second = make_step(journey, "Agent logs the complaint", contact)
    third = make_step(journey, "Gets an answer", customer)
    log_in(page, live_daphne, "eva")
    page.goto(f"{live_daphne}/j/{journey.pk}/")

    # Drop the last card in the contact centre lane, left of everything: it becomes the first step, in that lane.
    contact_lane = page.locator(f'#board-map .lane[data-department-id="{contact.pk}"]')
    lane_box = contact_lane.bounding_box()
    start = card(page, "Gets an answer").bounding_box()
    page.mouse.move(start["x"] + 40, start["y"] + 40)
    page.mouse.down()
    page.mouse.move(lane_box["x"] + 190, lane_box["y"] + lane_box["height"] / 2, steps=8)
    page.mouse.up()
    expect(card(page, "Gets an answer")).to_have_attribute("data-department-id", str(contact.pk))
    assert lane_of(page, "Gets an answer") == "Contact centre"
    titles = list(Step.objects.filter(journey=journey).values_list("title", flat=True))
    assert titles == [third.title, first.title, second.title]
