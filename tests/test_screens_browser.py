"""The demo board on the screens a workshop uses: a 1366x768 laptop and a 1920x1080 projector at 150% zoom."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from demo.data import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
SCREENS = {
    "laptop-1366x768": ({"width": 1366, "height": 768}, 1),
    # 1920x1080 device pixels at 150% is a 1280x720 CSS viewport.
    "projector-1920x1080-at-150": ({"width": 1280, "height": 720}, 1.5),
}


@pytest.mark.parametrize("screen", SCREENS)
def test_demo_board_fits_the_screen_and_keeps_lane_names_in_view(live_daphne, browser: Browser, screen: str):
    viewport, scale = SCREENS[screen]
    journey = load_demo().journey
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    page.goto(f"{live_daphne}/login/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_daphne}/j/{journey.pk}/")

    toolbar = page.locator(".toolbar").bounding_box()
    assert toolbar["height"] < 60, "the toolbar should stay on one row"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "no sideways page scroll"
    expect(page.locator("#board-map .step-card").first).to_be_in_viewport()

    page.locator("#board-scroll").evaluate("el => el.scrollLeft = 1200")
    header = page.locator(".lane-header", has_text="Contact centre")
    expect(header).to_be_in_viewport()
    assert header.bounding_box()["x"] < 20, "lane names stay at the left edge while the board scrolls"

    page.locator("#board-scroll").evaluate("el => el.scrollLeft = 0")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"demo-board-{screen}.png")
    context.close()
