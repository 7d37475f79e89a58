"""A participant on a phone (390x844, touch): joins, reads the board, adds a step and a pain point, votes and fills
the mirror survey; and no page the issue lists overflows sideways."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from demo.data import DEMO_PASSWORD, load_demo
from journeys import mirror
from journeys.models import PainPoint, Step
from workshops import services

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
LIVE = 10_000


def phone(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").tap()
    page.wait_for_url(f"{base}/")
    return page


LANE_NAMES_CUT_OFF = """() => [...document.querySelectorAll('#board-map .lane-name')].filter((name) => {
    const text = name.getBoundingClientRect();
    const badge = name.closest('.lane-header').querySelector('.lane-role-name')?.getBoundingClientRect();
    const covered = badge && badge.width && badge.left < text.right && badge.right > text.left
        && badge.top < text.bottom && badge.bottom > text.top;
    return covered || name.scrollHeight > name.clientHeight + 1 || name.scrollWidth > name.clientWidth + 1;
}).map((name) => name.textContent.trim())"""


def sideways_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_no_page_overflows_sideways_on_a_phone(live_daphne, browser: Browser):
    demo = load_demo()
    journey = demo.journey
    anna = get_user_model().objects.get(username="anna")
    steps = list(journey.steps.order_by("position"))
    mirror.mirror_estimates_give(journey=journey, actor=anna, scores={steps[0].pk: 7, None: 6})
    mirror.customer_score_set(journey=journey, step=steps[0], score=Decimal("5.5"), responses=40, actor=anna)
    mirror.mirror_reveal(journey=journey, actor=anna)  # the results table, the widest part of the mirror page
    pain_point = PainPoint.objects.filter(journey=journey).exclude(target_date=None).first()
    pages = {
        "anna": {
            "journey list": "/",
            "board": f"/j/{journey.pk}/",
            "mirror survey": f"/j/{journey.pk}/mirror/",
            "my pain points": "/pain-points/",
            "pain point page": f"/j/{journey.pk}/pain-points/{pain_point.pk}/",
        },
        "eva": {"dashboard": "/dashboard/"},
    }
    RESULTS.mkdir(exist_ok=True)
    for username, urls in pages.items():
        page = phone(browser, live_daphne, username)
        for name, url in urls.items():
            page.goto(f"{live_daphne}{url}")
            page.wait_for_load_state("networkidle")
            assert sideways_overflow(page) == 0, name
            page.screenshot(path=RESULTS / f"wall-phone-{name.replace(' ', '-')}.png", full_page=name != "board")
        page.context.close()


def test_a_participant_on_a_phone_reads_the_board_adds_a_step_and_a_pain_point_and_votes(live_daphne, browser: Browser):
    demo = load_demo()
    journey = demo.journey
    anna = get_user_model().objects.get(username="anna")
    voting = services.voting_round_start(journey=journey, actor=anna, dots_per_participant=2)
    page = phone(browser, live_daphne, "bram")
    page.goto(f"{live_daphne}/join/{journey.invite_token}/")  # as from the QR code on the projector
    expect(page.locator("#board-map.wall-fitted")).to_be_visible()

    # Readable: titles of at least 14 px on a map drawn for the phone, the page itself never wider than the screen.
    first = page.locator("#board-map .step-card").first
    expect(first).to_be_in_viewport()
    assert first.locator(".step-title").evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 14
    assert sideways_overflow(page) == 0
    # Every lane's upright name whole ("Policy administration" too), none of it under its role's badge.
    assert page.evaluate(LANE_NAMES_CUT_OFF) == []

    # A double tap in a lane puts a sticky note there.
    lane = page.locator("#board-map .lane", has_text="Contact centre").bounding_box()
    panel_top = page.locator("#voting-panel").bounding_box()["y"] - 10
    # Above the voting panel, right of the lane's role badge (a tap there opens the role's picker), and where the
    # editor opens under the finger: the second tap's mouse events once took the focus off it and closed it at once.
    spot = (min(lane["x"] + 220, 370), min(lane["y"] + lane["height"] / 2, panel_top))
    assert spot[1] > lane["y"] + 10, (lane, panel_top)
    page.touchscreen.tap(*spot)
    page.touchscreen.tap(*spot)
    editor = page.locator(".wall-editor textarea")
    expect(editor).to_be_focused()
    editor.fill("Checks the new address on the phone")
    editor.press("Enter")
    new = page.locator("#board-map .step-card", has_text="Checks the new address on the phone")
    expect(new).to_be_visible()
    assert Step.objects.get(title="Checks the new address on the phone").department.name == "Contact centre"

    # A tap opens the step over the whole screen; a pain point on it.
    new.tap()
    drawer = page.locator("#drawer.open")
    expect(drawer).to_be_visible()
    assert drawer.bounding_box()["width"] >= 380
    step_id = new.get_attribute("data-step-id")
    page.locator(f"#new-pain-{step_id}-text").fill("Nobody tells the customer the debit changed")
    page.locator(f"#pain-point-form-{step_id}").get_by_role("button", name="Add pain point").tap()
    expect(page.locator(f"#step-{step_id}-pain-points")).to_contain_text("Nobody tells the customer")
    page.locator("#drawer [data-close-drawer]").tap()
    expect(page.locator("#drawer.open")).to_have_count(0)

    # Voting: the round's panel sits at the bottom of the screen; a tap places a dot.
    pain_point = PainPoint.objects.filter(journey=journey, status="open").order_by("pk").first()
    panel = page.locator("#voting-panel")
    expect(panel).to_be_visible()
    panel.locator(f"#vote-{pain_point.pk} [data-place-dot]").tap()
    expect(page.locator("[data-my-dots-left]")).to_have_text("1 dot left")
    assert voting.dots.filter(participant__username="bram").count() == 1
    assert sideways_overflow(page) == 0
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "wall-phone-board-voting.png")


def test_a_participant_fills_the_mirror_survey_on_a_phone(live_daphne, browser: Browser):
    demo = load_demo()
    journey = demo.journey
    steps = list(journey.steps.order_by("position"))
    page = phone(browser, live_daphne, "bram")
    page.goto(f"{live_daphne}/j/{journey.pk}/mirror/")
    page.select_option("#id_journey", "7")
    page.select_option(f"#id_step-{steps[0].pk}", "8")
    page.locator("#mirror-save").tap()
    expect(page.locator(f"#id_step-{steps[0].pk}")).to_have_value("8")
    expect(page.locator("#mirror-results")).to_contain_text("So far 2 estimates", timeout=LIVE)
    assert sideways_overflow(page) == 0
