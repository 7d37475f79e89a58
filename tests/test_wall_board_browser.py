"""The board as a wall on a 1366x768 laptop: pan and zoom like a whiteboard, drag or key a hand-off, put a step where
you point, and get around by keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from journeys.models import Handoff, PainPoint, Step
from tests.factories import PASSWORD, link, make_department, make_journey, make_step, make_user

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
LAPTOP = {"width": 1366, "height": 768}
LIVE = 10_000


def open_board(browser: Browser, base: str, username: str, journey, viewport=LAPTOP) -> Page:
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/j/{journey.pk}/")
    expect(page.locator("#board-map")).to_be_visible()
    return page


def card(page: Page, step: Step):
    return page.locator(f"#step-{step.pk}")


def titles_in_process_order(journey) -> list[str]:
    return list(Step.objects.filter(journey=journey).order_by("position", "id").values_list("title", flat=True))


@pytest.fixture
def world():
    customer, contact, finance = (
        make_department("Customer"),
        make_department("Contact centre"),
        make_department("Finance"),
    )
    anna, bram = make_user("anna", departments=[contact]), make_user("bram", departments=[finance])
    journey = make_journey(facilitator=anna, title="I am moving")
    journey.memberships.create(user=bram)
    asks = make_step(journey, "Asks how to move", customer)
    fills = make_step(journey, "Fills in the form", customer)
    lands = make_step(journey, "Form lands in the mailbox", contact)
    checks = make_step(journey, "Agent checks the address", contact)
    debit = make_step(journey, "Adjusts the direct debit", finance)
    link(journey, asks, fills)
    link(journey, fills, lands)
    return {"journey": journey, "steps": [asks, fills, lands, checks, debit], "lanes": [customer, contact, finance]}


def test_the_wheel_zooms_at_the_pointer_and_dragging_empty_space_pans(live_daphne, browser: Browser):
    customer = make_department("Customer")
    journey = make_journey(facilitator=make_user("dora"), title="A long journey")
    journey.memberships.create(user=make_user("eve"))
    steps = [make_step(journey, f"Step {index}", customer) for index in range(14)]
    for source, target in zip(steps, steps[1:], strict=False):
        link(journey, source, target)
    page = open_board(browser, live_daphne, "eve", journey)
    scroller = page.locator("#board-scroll")
    scroller.evaluate("el => { el.scrollLeft = 1200; }")
    box = scroller.bounding_box()
    pointer = (box["x"] + 500, box["y"] + 60)
    under_before = page.evaluate(f"document.elementFromPoint({pointer[0]}, {pointer[1]}).closest('.step-card')?.id")
    page.mouse.move(*pointer)
    for _notch in range(3):  # a mouse wheel turned towards you: smaller
        page.mouse.wheel(0, 100)
        page.wait_for_timeout(50)
    scale = float(page.locator("#board-zoom-inner").get_attribute("data-scale"))
    assert scale < 1
    # What was under the pointer stays under it.
    assert (
        page.evaluate(f"document.elementFromPoint({pointer[0]}, {pointer[1]}).closest('.step-card')?.id")
        == under_before
    )
    expect(page.locator("#board-map")).to_have_class("board-map zoom-far")  # far out: titles only, larger
    assert page.locator("#board-map .step-meta").first.is_hidden()

    page.keyboard.press("1")  # back to the normal size
    left = scroller.evaluate("el => el.scrollLeft")
    page.mouse.move(box["x"] + 700, box["y"] + box["height"] - 30)
    page.mouse.down()
    page.mouse.move(box["x"] + 300, box["y"] + box["height"] - 30, steps=6)
    page.mouse.up()
    assert scroller.evaluate("el => el.scrollLeft") - left >= 350

    minimap = page.locator("canvas.minimap")
    expect(minimap).to_be_visible()  # the board is wider than the screen
    mini = minimap.bounding_box()
    page.mouse.click(mini["x"] + mini["width"] - 3, mini["y"] + mini["height"] / 2)
    expect(card(page, steps[-1])).to_be_in_viewport()
    page.mouse.click(mini["x"] + 2, mini["y"] + mini["height"] / 2)
    expect(card(page, steps[0])).to_be_in_viewport()
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "wall-board-minimap-1366x768.png")


def test_dragging_a_cards_handle_onto_another_card_hands_off_for_everyone(live_daphne, browser: Browser, world):
    journey, (_asks, _fills, lands, checks, _debit) = world["journey"], world["steps"]
    anna = open_board(browser, live_daphne, "anna", journey)
    bram = open_board(browser, live_daphne, "bram", journey)
    anna.locator(f"#step-{lands.pk}").hover()
    handle = anna.locator(f"#step-{lands.pk} .connect-handle")
    expect(handle).to_be_visible()
    start = handle.bounding_box()
    goal = card(anna, checks).bounding_box()
    anna.mouse.move(start["x"] + 10, start["y"] + 10)
    anna.mouse.down()
    anna.mouse.move(goal["x"] + 60, goal["y"] + 40, steps=8)
    expect(card(anna, checks)).to_have_class("step-card connect-target")
    anna.mouse.up()
    expect(anna.locator(f'#board-map g.handoff[data-from="{lands.pk}"][data-to="{checks.pk}"]')).to_have_count(1)
    expect(bram.locator(f'#board-map g.handoff[data-from="{lands.pk}"][data-to="{checks.pk}"]')).to_have_count(
        1, timeout=LIVE
    )
    assert Handoff.objects.filter(from_step=lands, to_step=checks).count() == 1
    expect(anna.locator("#drawer.open")).to_have_count(0)  # the press on the handle did not open the card

    # Dragging it again onto the same card says so and makes nothing.
    anna.locator(f"#step-{lands.pk}").hover()
    start = handle.bounding_box()
    anna.mouse.move(start["x"] + 10, start["y"] + 10)
    anna.mouse.down()
    anna.mouse.move(goal["x"] + 60, goal["y"] + 40, steps=5)
    anna.mouse.up()
    expect(anna.locator("#wall-toast")).to_have_text("These two steps are already linked.")
    assert Handoff.objects.filter(from_step=lands, to_step=checks).count() == 1


def test_a_hand_off_from_the_keyboard_takes_two_keys_to_the_next_step_and_four_to_another(
    live_daphne, browser: Browser, world
):
    journey, (_asks, fills, lands, checks, debit) = world["journey"], world["steps"]
    page = open_board(browser, live_daphne, "anna", journey)
    card(page, lands).focus()
    page.keyboard.press("c")  # the next step in the process not linked yet is chosen
    expect(card(page, checks)).to_have_class("step-card connect-target")
    expect(page.locator("#live-announcer")).to_contain_text("to Agent checks the address?")
    page.keyboard.press("Enter")
    expect(page.locator(f'#board-map g.handoff[data-from="{lands.pk}"][data-to="{checks.pk}"]')).to_have_count(1)
    expect(card(page, lands)).to_be_focused()

    page.keyboard.press("c")  # checks is linked now: debit is suggested; the arrows choose another
    expect(card(page, debit)).to_have_class("step-card connect-target")
    page.keyboard.press("ArrowUp")
    expect(card(page, checks)).to_have_class("step-card connect-target")
    page.keyboard.press("ArrowUp")
    expect(card(page, fills)).to_have_class("step-card connect-target")
    page.keyboard.press("Enter")  # c, Up, Up, Enter: a loop back to an earlier step
    expect(page.locator(f'#board-map g.handoff.loop[data-from="{lands.pk}"][data-to="{fills.pk}"]')).to_have_count(1)

    page.keyboard.press("c")
    page.keyboard.press("Escape")  # cancelled: nothing made, the focus back on the card
    expect(page.locator(".connect-target")).to_have_count(0)
    expect(card(page, lands)).to_be_focused()
    assert Handoff.objects.filter(from_step=lands).count() == 2


def test_a_double_click_in_a_lane_adds_the_step_where_it_was_pointed(live_daphne, browser: Browser, world):
    journey, (asks, _fills, _lands, checks, _debit) = world["journey"], world["steps"]
    page = open_board(browser, live_daphne, "anna", journey)
    # In the Customer lane, in the column of "Agent checks the address" (two right of "Fills in the form").
    target = card(page, checks).bounding_box()
    lane = page.get_by_role("region", name="Lane Customer").bounding_box()
    page.mouse.dblclick(target["x"] + target["width"] / 2, lane["y"] + lane["height"] / 2)
    editor = page.locator(".wall-editor textarea")
    expect(editor).to_be_focused()
    expect(editor).to_have_attribute("placeholder", "New step in Customer")
    page.keyboard.type("Reads the confirmation")
    page.keyboard.press("Enter")
    new = page.locator("#board-map .step-card", has_text="Reads the confirmation")
    expect(new).to_be_focused()
    expect(page.locator(".wall-editor")).to_have_count(0)
    step = Step.objects.get(title="Reads the confirmation")
    assert step.department.name == "Customer"
    assert abs(new.bounding_box()["x"] - card(page, checks).bounding_box()["x"]) < 2  # the column pointed at
    # It comes after every step left of the point, and of its column in the other lanes, in the process order.
    assert titles_in_process_order(journey)[-1] == "Reads the confirmation"

    # Left of every card: the step goes first.
    page.mouse.dblclick(card(page, asks).bounding_box()["x"] - 12, lane["y"] + 12)
    page.keyboard.type("Gets the moving box")
    page.keyboard.press("Escape")
    expect(page.locator(".wall-editor")).to_have_count(0)
    assert not Step.objects.filter(title="Gets the moving box").exists()


def test_two_people_adding_at_once_each_get_their_step_where_they_put_it(live_daphne, browser: Browser, world):
    journey, (_asks, _fills, lands, checks, _debit) = world["journey"], world["steps"]
    anna = open_board(browser, live_daphne, "anna", journey)
    bram = open_board(browser, live_daphne, "bram", journey)
    finance = anna.get_by_role("region", name="Lane Finance").bounding_box()
    lands_box = card(anna, lands).bounding_box()
    anna.mouse.dblclick(lands_box["x"] + 40, finance["y"] + finance["height"] / 2)  # under "Form lands"
    anna.keyboard.type("Checks the bank account")
    customer = bram.get_by_role("region", name="Lane Customer").bounding_box()
    checks_box = card(bram, checks).bounding_box()
    bram.mouse.dblclick(checks_box["x"] + 40, customer["y"] + customer["height"] / 2)  # above "Agent checks"
    bram.keyboard.type("Waits for a letter")
    # Both press Enter at once: each placed their step on the board as it was before the other's step existed.
    anna.keyboard.press("Enter")
    bram.keyboard.press("Enter")
    for page in (anna, bram):
        expect(page.locator("#board-map .step-card", has_text="Checks the bank account")).to_be_visible(timeout=LIVE)
        expect(page.locator("#board-map .step-card", has_text="Waits for a letter")).to_be_visible(timeout=LIVE)
    order = titles_in_process_order(journey)
    assert order.index("Checks the bank account") == order.index(lands.title) + 1
    assert order.index("Waits for a letter") > order.index(checks.title)
    assert Step.objects.get(title="Checks the bank account").department.name == "Finance"
    assert Step.objects.get(title="Waits for a letter").department.name == "Customer"
    for page in (anna, bram):
        anna_card = page.locator("#board-map .step-card", has_text="Checks the bank account").bounding_box()
        bram_card = page.locator("#board-map .step-card", has_text="Waits for a letter").bounding_box()
        assert abs(anna_card["x"] - card(page, lands).bounding_box()["x"]) < 2
        assert abs(bram_card["x"] - card(page, checks).bounding_box()["x"]) < 2


def test_the_keyboard_goes_by_screen_position_into_the_panel_and_back(live_daphne, browser: Browser, world):
    journey, (asks, fills, lands, checks, debit) = world["journey"], world["steps"]
    page = open_board(browser, live_daphne, "anna", journey)
    card(page, asks).focus()
    page.keyboard.press("ArrowRight")
    expect(card(page, fills)).to_be_focused()
    page.keyboard.press("ArrowDown")  # the nearest card in the lane below
    expect(card(page, lands)).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(card(page, checks)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(card(page, lands)).to_be_focused()

    page.keyboard.press("Enter")
    expect(page.locator(f"#step-{lands.pk}-heading")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Edit step")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#drawer.open")).to_have_count(0)
    expect(card(page, lands)).to_be_focused()

    # A pain point: p, the text, Enter (the step's own department answers for it). 2 keys besides the typing.
    page.keyboard.press("p")
    expect(page.locator(f"#new-pain-{lands.pk}-text")).to_be_focused()
    page.keyboard.type("Nobody reads the mailbox at weekends")
    page.keyboard.press("Enter")
    expect(page.locator(f"#step-{lands.pk}-pain-points")).to_contain_text("Nobody reads the mailbox at weekends")
    pain_point = PainPoint.objects.get(text="Nobody reads the mailbox at weekends")
    assert [d.name for d in pain_point.responsible_departments.all()] == ["Contact centre"]
    page.keyboard.press("Escape")
    expect(card(page, lands)).to_be_focused()

    # Alt+arrow moves the step and opens no empty panel.
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(f"#step-{lands.pk}")).to_have_attribute("data-department-id", str(debit.department_id))
    page.wait_for_timeout(300)
    expect(page.locator("#drawer.open")).to_have_count(0)
    assert page.locator("#drawer").evaluate("el => el.offsetWidth") <= 1


def test_a_new_step_after_the_focused_one_from_the_keyboard(live_daphne, browser: Browser, world):
    journey, (_asks, _fills, lands, _checks, _debit) = world["journey"], world["steps"]
    page = open_board(browser, live_daphne, "anna", journey)
    card(page, lands).focus()
    page.keyboard.press("a")
    expect(page.locator(".wall-editor textarea")).to_have_attribute("placeholder", "New step in Contact centre")
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(".wall-editor textarea")).to_have_attribute("placeholder", "New step in Finance")
    page.keyboard.type("Checks the payment")
    page.keyboard.press("Enter")
    expect(page.locator("#board-map .step-card", has_text="Checks the payment")).to_be_focused()
    order = titles_in_process_order(journey)
    assert order.index("Checks the payment") == order.index(lands.title) + 1
    assert Step.objects.get(title="Checks the payment").department.name == "Finance"
