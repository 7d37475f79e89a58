"""The board's header on a 390 px phone in Dutch: the longer Dutch labels squeeze nothing out of the screen and the
board's title stays readable in full."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from demo.data import load_demo
from tests.test_wall_phone_browser import RESULTS, phone, sideways_overflow

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OUTSIDE_OR_CLIPPED = """() => {
  const problems = [];
  for (const element of document.querySelectorAll('.site-header *')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || element.closest('.visually-hidden')) continue;
    const name = `${element.tagName.toLowerCase()}.${element.className} "${element.textContent.trim().slice(0, 30)}"`;
    if (box.left < -0.5 || box.right > innerWidth + 0.5) problems.push(`outside the screen: ${name}`);
    const clips = getComputedStyle(element).overflowX !== 'visible';
    if (clips && (element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1)) {
      problems.push(`cut off: ${name}`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_board_header_fits_a_phone_in_dutch_and_english(live_daphne, browser: Browser, language):
    journey = load_demo().journey  # "I am moving: change my address", with the customer indicator in the header
    page = phone(browser, live_daphne, "anna")  # the facilitator: invite link, invitations, indicator and Score
    if language != "en":  # a page starts in English
        with page.expect_navigation():
            page.locator(f".lang-switch button[value={language}]").tap()
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    header = page.locator(".site-header")
    expect(header.get_by_role("heading", level=1)).to_have_text(journey.title)

    assert page.evaluate(OUTSIDE_OR_CLIPPED) == []
    assert sideways_overflow(page) == 0
    for control in (".invite", ".invite-manage", ".score-entry summary", ".lang-switch button[value=nl]"):
        found = header.locator(control).all()  # the links under the title: invitations, reports, versions, ...
        assert found, control
        for element in found:
            expect(element).to_be_in_viewport(ratio=1)
    title = header.locator("h1").bounding_box()
    assert title["width"] >= 200  # not squeezed to a few letters beside the buttons
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(
        path=RESULTS / f"wall-phone-header-{language}.png", clip={"x": 0, "y": 0, "width": 390, "height": 320}
    )
