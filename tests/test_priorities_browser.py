"""The value versus effort matrix in a real browser: Carla scores a pain point, its numbered dot appears where
low effort and high value meet, and clicking the dot opens the pain point."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import log_in, serious_violations
from tests.factories import make_owners_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_scored_pain_point_becomes_a_dot_that_opens_it(live_daphne, page: Page):
    world = make_owners_world()
    journey, pain_point = world["journey"], world["pain_point"]
    log_in(page, live_daphne, "carla")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    page.get_by_role("link", name="Value versus effort").click()
    row = page.locator(f"#row-pain_point-{pain_point.pk}")
    expect(row).to_contain_text("not in the matrix until value and effort are scored")
    expect(page.locator(".matrix-dot")).to_have_count(0)
    row.get_by_label("Customer value").select_option("5")
    row.get_by_label("Business value").select_option("4")
    row.get_by_label("Effort").select_option("1")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Score saved.")
    dot = page.locator(f"#dot-pain_point-{pain_point.pk}")
    expect(dot).to_have_count(1)
    box, chart = dot.bounding_box(), page.locator(".matrix-chart").bounding_box()
    assert box["x"] < chart["x"] + chart["width"] / 2 and box["y"] < chart["y"] + chart["height"] / 2  # quick win
    assert serious_violations(page) == []
    dot.click()
    expect(page).to_have_url(f"{live_daphne}/j/{journey.pk}/pain-points/{pain_point.pk}/")
