"""The experience curve in real browsers: under the board's lanes, aligned with the cards, hidden and shown again, and
following a reveal and a new customer score live; on the mirror survey page next to the table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from journeys import mirror
from tests.customer_view_pages import compiled_messages, open_page  # noqa: F401 (an autouse fixture)
from tests.factories import give_estimates, link, make_department, make_journey, make_step, make_user

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
LIVE = 10_000


@pytest.fixture
def world():
    anna, bram = make_user("anna"), make_user("bram")
    journey = make_journey(facilitator=anna, members=[bram], title="I am moving: change my address")
    customer, contact, policy = (make_department(n) for n in ("Customer", "Contact centre", "Policy administration"))
    steps = [
        make_step(journey, "Fills in the web form", customer),
        make_step(journey, "Form lands in the shared mailbox", contact),
        make_step(journey, "Re-keys the address", policy),
        make_step(journey, "Receives the new policy", customer),
    ]
    for source, target in zip(steps, steps[1:], strict=False):
        link(journey, source, target)
    give_estimates(journey, bram, {steps[0].pk: 8, steps[1].pk: 8, steps[3].pk: 9})
    for step, score in ((steps[0], "6.5"), (steps[1], "3.5"), (steps[2], "5")):
        mirror.customer_score_set(
            journey=journey, step=step, score=Decimal(score), responses=60, actor=journey.created_by
        )
    return journey, steps


def test_the_curve_appears_on_reveal_under_the_cards_hides_and_follows_a_new_score(live_daphne, browser, world):
    journey, steps = world
    bram = open_page(browser, live_daphne, "bram", f"/j/{journey.pk}/")
    anna = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/mirror/")
    expect(bram.locator("#board-map")).to_be_visible()
    expect(bram.locator("#experience-lane")).to_have_count(0)  # hidden with the estimates

    anna.click("[data-mirror-reveal]")
    lane = bram.locator("#experience-lane")
    expect(lane).to_be_visible(timeout=LIVE)
    expect(anna.locator(".page-curve")).to_be_visible()
    # Under the last lane, and each customer dot under its card.
    lanes_bottom = max(box["y"] + box["height"] for box in (el.bounding_box() for el in bram.locator(".lane").all()))
    assert abs(lane.bounding_box()["y"] - lanes_bottom) <= 2
    dots = bram.locator("#experience-lane .curve-dot.curve-customer")
    expect(dots).to_have_count(3)
    for dot, step in zip(dots.all(), steps, strict=False):
        card = bram.locator(f"#step-{step.pk}").bounding_box()
        middle = dot.bounding_box()["x"] + dot.bounding_box()["width"] / 2
        assert card["x"] < middle < card["x"] + card["width"], step.title
    # The step nobody estimated is a gap in the staff line: two stretches, not one line through a zero.
    expect(bram.locator("#experience-lane path.curve-line.curve-staff")).to_have_count(1)
    expect(bram.locator("#experience-lane .curve-dot.curve-staff")).to_have_count(3)
    RESULTS.mkdir(exist_ok=True)
    bram.screenshot(path=str(RESULTS / "experience-board-1280-en.png"))
    anna.screenshot(path=str(RESULTS / "experience-mirror-1280-en.png"), full_page=True)

    bram.get_by_role("button", name="Hide the curve").click()
    expect(bram.locator("#experience-lane svg")).to_be_hidden()
    assert lane.bounding_box()["height"] < 40
    bram.reload()
    expect(bram.get_by_role("button", name="Show the experience curve")).to_be_visible()  # remembered
    bram.get_by_role("button", name="Show the experience curve").click()
    expect(bram.locator("#experience-lane svg")).to_be_visible()

    projector = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/workshop/projector/")
    expect(projector.locator("#experience-lane svg")).to_be_visible()
    bottom = max(b["y"] + b["height"] for b in (el.bounding_box() for el in projector.locator(".lane").all()))
    assert abs(projector.locator("#experience-lane").bounding_box()["y"] - bottom) <= 2  # under the fitted lanes
    expect(projector.locator("#experience-lane svg")).to_be_in_viewport(ratio=0.9)  # the fit leaves room for it
    projector.screenshot(path=str(RESULTS / "experience-projector-1280-en.png"))

    anna.get_by_label(f"Customer score for {steps[3].title}").fill("4")
    anna.get_by_label(f"Responses for {steps[3].title}").fill("12")
    anna.get_by_role("button", name="Save the customer scores").click()
    expect(bram.locator("#experience-lane .curve-dot.curve-customer")).to_have_count(4, timeout=LIVE)


@pytest.mark.parametrize(("locale", "width"), [("en-GB", 390), ("nl-NL", 1280), ("nl-NL", 390)])
def test_the_curve_reads_on_a_phone_and_in_dutch(live_daphne, browser, world, locale, width):
    journey, _steps = world
    mirror.mirror_reveal(journey=journey, actor=journey.created_by)
    height = 844 if width < 500 else 800
    board = open_page(browser, live_daphne, "bram", f"/j/{journey.pk}/", width=width, height=height, locale=locale)
    expect(board.locator("#experience-lane svg")).to_be_visible()
    legend = "Klanten zeggen" if locale == "nl-NL" else "Customers say"
    expect(board.locator("#experience-lane")).to_contain_text(legend)
    board.locator("#experience-lane").scroll_into_view_if_needed()
    RESULTS.mkdir(exist_ok=True)
    board.screenshot(path=str(RESULTS / f"experience-board-{width}-{locale[:2]}.png"))
    mirror_url = f"/j/{journey.pk}/mirror/"
    page = open_page(browser, live_daphne, "bram", mirror_url, width=width, height=height, locale=locale)
    expect(page.locator(".page-curve")).to_be_visible()
    page.screenshot(path=str(RESULTS / f"experience-mirror-{width}-{locale[:2]}.png"), full_page=True)
