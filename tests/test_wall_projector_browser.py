"""The projector at 1920x1080 in a workshop: the whole demo board readable at once, following only what the
facilitator presents, time's up impossible to miss, the dots on the cards and a QR code to join."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from demo.data import DEMO_PASSWORD, load_demo
from journeys.models import PainPoint, Step
from workshops import services

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
PROJECTOR = {"width": 1920, "height": 1080}
LIVE = 10_000


def open_page(browser: Browser, base: str, username: str, path: str, viewport=PROJECTOR) -> Page:
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}{path}")
    return page


CARDS_OUTSIDE_THE_SCREEN = """() => [...document.querySelectorAll('#board-map .step-card')].filter((card) => {
    const box = card.getBoundingClientRect();
    const board = document.getElementById('board-scroll').getBoundingClientRect();
    return box.left < board.left || box.top < board.top || box.right > board.right || box.bottom > board.bottom;
}).map((card) => card.querySelector('.step-title').textContent.trim())"""


def cards_outside_the_screen(page: Page) -> list[str]:
    """Cards not wholly visible (off the screen or scrolled out of the board's area), once the wall has refitted:
    a panel that opens or closes resizes the board, and the wall lays it out again on the next frame."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the caller's assertion names the cards
        page.wait_for_function(f"({CARDS_OUTSIDE_THE_SCREEN})().length === 0", timeout=2_000)
    return page.evaluate(CARDS_OUTSIDE_THE_SCREEN)


def smallest_title_px(page: Page) -> float:
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('#board-map .step-title')].map((title) =>
            parseFloat(getComputedStyle(title).fontSize)))"""
    )


def clipped_titles(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('#board-map .step-title')]
            .filter((t) => t.scrollHeight > t.clientHeight + 1 || t.scrollWidth > t.clientWidth + 1)
            .map((t) => t.textContent.trim())"""
    )


def test_the_whole_demo_board_fits_the_projector_with_readable_titles(live_daphne, browser: Browser):
    demo = load_demo()
    page = open_page(browser, live_daphne, "anna", f"/j/{demo.journey.pk}/workshop/projector/")
    expect(page.locator("#board-map.wall-fitted")).to_be_visible()
    assert page.locator("#board-map .step-card").count() == 12
    assert cards_outside_the_screen(page) == []
    assert smallest_title_px(page) >= 14
    assert clipped_titles(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "wall-projector-1920x1080.png")

    # What does not fit can be panned: a board of 30 columns keeps its titles readable and scrolls sideways.
    page.set_viewport_size({"width": 1000, "height": 700})
    expect(page.locator("#board-map")).to_have_attribute("data-title-px", "14")
    scroller = page.locator("#board-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    box = scroller.bounding_box()
    page.mouse.move(box["x"] + 600, box["y"] + box["height"] - 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + box["height"] - 20, steps=5)
    page.mouse.up()
    assert scroller.evaluate("el => el.scrollLeft") >= 300


def test_the_projector_follows_only_an_explicit_present_and_a_follower_too(live_daphne, browser: Browser):
    demo = load_demo()
    journey = demo.journey
    projector = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/workshop/projector/")
    board = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/", {"width": 1366, "height": 768})
    follower = open_page(browser, live_daphne, "bram", f"/j/{journey.pk}/", {"width": 1366, "height": 768})
    last = Step.objects.filter(journey=journey).order_by("-position").first()
    expect(follower.get_by_role("button", name="Follow the facilitator")).to_have_attribute("aria-pressed", "false")
    follower.get_by_role("button", name="Follow the facilitator").click()
    expect(follower.get_by_role("button", name="Follow the facilitator")).to_have_attribute("aria-pressed", "true")

    # Opening a card to edit it is not presenting it.
    board.locator(f"#step-{last.pk}").scroll_into_view_if_needed()
    board.locator(f"#step-{last.pk}").click()
    expect(board.locator(f"#step-detail-{last.pk}")).to_be_visible()
    projector.wait_for_timeout(800)
    expect(projector.locator(".step-card.focus")).to_have_count(0)
    expect(projector.locator("#facilitator-focus")).to_be_empty()

    board.get_by_role("button", name="Present this step").click()
    expect(projector.locator(f"#step-{last.pk}.focus")).to_be_visible(timeout=LIVE)
    expect(projector.locator("#facilitator-focus")).to_contain_text(last.title, timeout=LIVE)
    expect(follower.locator(f"#step-{last.pk}.focus")).to_be_in_viewport(timeout=LIVE)
    expect(follower.locator("#facilitator-focus")).to_contain_text(last.title)
    RESULTS.mkdir(exist_ok=True)
    projector.screenshot(path=RESULTS / "wall-projector-presenting.png")

    # Someone who does not follow keeps their own view; stopping clears the projector.
    assert not board.evaluate("document.body.classList.contains('following')")
    board.locator("[data-stop-presenting]").click()
    expect(projector.locator(".step-card.focus")).to_have_count(0, timeout=LIVE)
    expect(projector.locator("#facilitator-focus")).to_be_empty()


def test_times_up_is_unmistakable_and_the_dots_show_on_the_cards(live_daphne, browser: Browser):
    demo = load_demo()
    journey = demo.journey
    facilitator = journey.memberships.get(role="facilitator").user
    # A minute started 57 seconds ago: the last seconds run out while the projector looks.
    services.timer_start(
        journey=journey, actor=facilitator, duration_seconds=60, now=timezone.now() - timedelta(seconds=57)
    )
    projector = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/workshop/projector/")
    board = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/", {"width": 1366, "height": 768})
    expect(projector.locator("#times-up")).to_be_visible(timeout=LIVE)
    expect(projector.locator(".times-up-text")).to_have_text("Time's up")
    assert projector.locator(".times-up-text").evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 64
    expect(board.locator("#times-up")).to_be_visible()
    RESULTS.mkdir(exist_ok=True)
    projector.screenshot(path=RESULTS / "wall-projector-times-up.png")
    board.locator("[data-timer-reset]").click()
    expect(projector.locator("#times-up")).to_be_hidden(timeout=LIVE)
    expect(board.locator("#times-up")).to_be_hidden()

    pain_point = PainPoint.objects.filter(journey=journey, status="open").order_by("pk").first()
    board.fill("#voting-dots", "3")
    board.click("[data-start-round]")
    place = board.locator(f"#vote-{pain_point.pk} [data-place-dot]")
    place.click()
    expect(board.locator("[data-my-dots-left]")).to_have_text("2 dots left")
    place.click()
    expect(board.locator("[data-my-dots-left]")).to_have_text("1 dot left")
    slot = projector.locator(f"#step-{pain_point.step_id}").locator("xpath=..")
    expect(projector.locator("#voting-status")).to_contain_text("2 dots placed", timeout=LIVE)
    expect(slot.locator(".vote-badge")).to_have_count(0)  # tallies stay hidden while the round is open
    board.click("[data-toggle-tallies]")
    expect(slot.locator(".vote-badge")).to_have_text("● 2", timeout=LIVE)
    board.click("[data-end-round]")
    expect(projector.locator("#voting-panel")).to_contain_text(pain_point.text, timeout=LIVE)
    expect(slot.locator(".vote-badge")).to_have_text("● 2")
    expect(board.locator(f"#step-{pain_point.step_id}").locator("xpath=..").locator(".vote-badge")).to_have_text("● 2")
    assert cards_outside_the_screen(projector) == []
    projector.screenshot(path=RESULTS / "wall-projector-votes.png")


def test_the_projector_shows_a_qr_code_of_the_invite_link(live_daphne, browser: Browser):
    demo = load_demo()
    page = open_page(browser, live_daphne, "anna", f"/j/{demo.journey.pk}/workshop/projector/")
    small = page.locator(".qr-button svg.qr-code")
    expect(small).to_be_visible()
    page.get_by_role("button", name="Scan to join").click()
    expect(page.locator("#qr-panel svg.qr-code")).to_be_visible()
    assert page.locator("#qr-panel svg.qr-code").bounding_box()["width"] >= 400
    expect(page.locator("#qr-panel")).to_contain_text(f"/join/{demo.journey.invite_token}/")
    page.keyboard.press("Escape")
    expect(page.locator("#qr-panel")).to_be_hidden()
