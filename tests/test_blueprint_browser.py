"""The service blueprint in a real browser: one participant gives the lanes their roles, everyone sees the lines appear
between the right lanes, live, and they move when a lane moves or a change is undone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.customer_view_pages import compiled_messages, open_page  # noqa: F401 (an autouse fixture)
from tests.factories import link, make_department, make_journey, make_step, make_user

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
LIVE = 10_000


@pytest.fixture
def world():
    names = ("Customer", "Contact centre", "Policy administration", "IT")
    customer, contact, policy, it = (make_department(name) for name in names)
    anna, bram = make_user("anna"), make_user("bram")
    journey = make_journey(facilitator=anna, members=[bram], title="I am moving: change my address")
    form = make_step(journey, "Fills in the web form", customer)
    mailbox = make_step(journey, "Form lands in the shared mailbox", contact)
    rekey = make_step(journey, "Re-keys the address", policy)
    status = make_step(journey, "Status not visible", it)
    calls = make_step(journey, "Calls: did you get my change?", customer)
    link(journey, form, mailbox)
    link(journey, mailbox, rekey)
    link(journey, rekey, status)
    link(journey, status, calls)
    return journey


def open_board(browser: Browser, base: str, username: str, journey, **screen) -> Page:
    page = open_page(browser, base, username, f"/j/{journey.pk}/", **screen)
    expect(page.locator("#board-map")).to_be_visible()
    return page


def choose_role(page: Page, lane: str, role: str) -> None:
    page.get_by_label(f"Role of the {lane} lane in the service blueprint").select_option(label=role)


def lane_edges(page: Page, lane: str) -> tuple[float, float]:
    box = page.locator("#board-map .lane", has=page.locator(".lane-name", has_text=lane)).bounding_box()
    return box["y"], box["y"] + box["height"]


def line_y(page: Page, kind: str) -> float:
    return page.locator(f"#board-map .blueprint-line.line-{kind}").bounding_box()["y"]


def test_roles_draw_the_lines_between_the_right_lanes_for_everyone(live_daphne, browser: Browser, world):
    anna = open_board(browser, live_daphne, "anna", world)
    bram = open_board(browser, live_daphne, "bram", world)
    expect(bram.locator("#board-map .blueprint-line")).to_have_count(0)

    for lane, role in [
        ("Customer", "Customer"),
        ("Contact centre", "Frontstage"),
        ("Policy administration", "Backstage"),
        ("IT", "Support"),
    ]:
        choose_role(anna, lane, role)
    expect(bram.locator("#board-map .blueprint-line")).to_have_count(3, timeout=LIVE)
    expect(bram.locator("#board-map .blueprint-line.line-internal")).to_be_visible(timeout=LIVE)

    # Each line lies on the boundary between the two lanes whose roles it separates.
    assert abs(line_y(bram, "interaction") - lane_edges(bram, "Contact centre")[0]) <= 3
    assert abs(line_y(bram, "visibility") - lane_edges(bram, "Policy administration")[0]) <= 3
    assert abs(line_y(bram, "internal") - lane_edges(bram, "IT")[0]) <= 3
    expect(bram.locator("#board-map .blueprint-line.line-visibility")).to_contain_text("Line of visibility")
    panel = bram.locator("#insights-panel")
    expect(panel).to_contain_text("2 hand-offs cross the line of visibility")  # to the back office and back
    expect(panel).to_contain_text("1 customer step without a frontstage answer")  # the call back goes nowhere
    RESULTS.mkdir(exist_ok=True)
    bram.screenshot(path=str(RESULTS / "blueprint-lines-1280-en.png"))
    bram.emulate_media(media="print")  # the print shows the roles as words and keeps the lines
    expect(bram.locator("#board-map .lane-role-name").first).to_be_visible()
    expect(bram.locator("#board-map .lane-role select").first).to_be_hidden()
    expect(bram.locator("#board-map .blueprint-line.line-visibility")).to_be_visible()
    bram.screenshot(path=str(RESULTS / "blueprint-lines-print.png"))
    bram.emulate_media(media="screen")

    # The IT lane moves up above Policy administration: the lines move with the lanes, never by hand.
    anna.locator("#board-map .lane", has=anna.locator(".lane-name", has_text="IT")).hover()
    anna.get_by_role("button", name="Move the IT lane up").click()
    expect(bram.locator("#board-map .blueprint-line.line-visibility")).to_have_count(1, timeout=LIVE)
    expect(bram.locator("#board-map .blueprint-line.line-internal")).to_have_count(2, timeout=LIVE)
    assert abs(line_y(bram, "visibility") - lane_edges(bram, "IT")[0]) <= 3

    # Anna undoes the move and then her last role: the line it made goes away for Bram too.
    anna.locator("#undo-button").click()
    expect(bram.locator("#board-map .blueprint-line.line-internal")).to_have_count(1, timeout=LIVE)
    anna.locator("#undo-button").click()
    expect(bram.locator("#board-map .blueprint-line.line-internal")).to_have_count(0, timeout=LIVE)
    expect(bram.get_by_label("Role of the IT lane in the service blueprint")).to_have_value("")


@pytest.mark.parametrize(("locale", "width"), [("en-GB", 390), ("nl-NL", 1280), ("nl-NL", 390)])
def test_the_lines_read_well_on_a_phone_and_in_dutch(live_daphne, browser: Browser, world, locale, width):
    from journeys import services

    for lane in world.lanes.select_related("department"):
        role = {"Customer": "customer", "Contact centre": "frontstage", "IT": "support"}.get(
            lane.department.name, "backstage"
        )
        services.lane_role_set(journey=world, department=lane.department, role=role, actor=world.created_by)
    height = 844 if width < 500 else 800
    page = open_board(browser, live_daphne, "bram", world, width=width, height=height, locale=locale)
    expect(page.locator("#board-map .blueprint-line")).to_have_count(3)
    name = "Zichtlijn" if locale.startswith("nl") else "Line of visibility"
    expect(page.locator("#board-map .blueprint-line.line-visibility")).to_contain_text(name)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"blueprint-lines-{width}-{locale[:2]}.png"))
