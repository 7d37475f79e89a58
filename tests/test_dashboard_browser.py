"""The manager dashboard in a real browser on the demo data: how it looks, axe, and live updates over daphne."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from demo.data import CLAIM_TITLE, DEMO_PASSWORD, load_demo
from journeys.models import Department, Journey

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"


def log_in(page: Page, base: str, username: str, next_url: str = "/dashboard/") -> None:
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def open_count(page: Page) -> int:
    return int(page.locator(".kpi-open .kpi-value").inner_text())


def test_dashboard_on_the_demo_data_reads_at_a_glance(live_daphne: str, page: Page) -> None:
    load_demo()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_daphne, "eva")

    expect(page.locator("#dash-live")).to_have_attribute("data-state", "live")
    chart = page.locator("svg.flow-chart").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 250
    with_pain_points = {"pain_points__isnull": False}
    journeys = Journey.objects.filter(**with_pain_points).distinct().count()
    expect(page.locator("#journey-table tbody tr")).to_have_count(journeys)
    departments = Department.objects.filter(**with_pain_points).distinct().count()
    expect(page.locator("#department-table tbody tr")).to_have_count(departments)
    assert open_count(page) > 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-demo.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-demo-print.png"), full_page=True)
    page.emulate_media(media="screen")

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()


def test_an_open_dashboard_updates_when_a_pain_point_is_added_on_a_board(
    live_daphne: str, page: Page, browser: Browser
) -> None:
    load_demo()
    log_in(page, live_daphne, "eva")
    expect(page.locator("#dash-live")).to_have_attribute("data-state", "live")
    before = open_count(page)
    journey = Journey.objects.get(title=CLAIM_TITLE)
    step = journey.steps.first()
    claims = Department.objects.get(name="Claims")

    facilitator = browser.new_context()
    board = facilitator.new_page()
    log_in(board, live_daphne, "anna", next_url=f"/j/{journey.pk}/")
    token = next(c["value"] for c in facilitator.cookies() if c["name"] == "csrftoken")
    response = board.request.post(
        f"{live_daphne}/j/{journey.pk}/steps/{step.pk}/pain-points/add/",
        form={"text": "Nobody explains the excess", "severity": "high", "responsible_departments": str(claims.pk)},
        headers={"X-CSRFToken": token, "Referer": f"{live_daphne}/j/{journey.pk}/"},
    )
    assert response.status == 200

    expect(page.locator(".kpi-open .kpi-value")).to_have_text(str(before + 1), timeout=5000)
    facilitator.close()


def test_a_participant_who_is_no_manager_gets_403(live_daphne: str, page: Page) -> None:
    load_demo()
    log_in(page, live_daphne, "bram", next_url="/")

    response = page.goto(f"{live_daphne}/dashboard/")

    assert response.status == 403
