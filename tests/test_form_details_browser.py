"""The step panel's forms in Debian's chromium: a duration typed wrong is refused out loud, and closed pain points stay
readable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from journeys.models import Step
from painpoints import services as lifecycle
from tests.factories import make_department, make_journey, make_pain_point, make_step, make_user
from tests.test_board_browser import log_in, open_step

pytestmark = pytest.mark.browser


def test_a_duration_typed_wrong_shows_a_message_and_keeps_the_old_duration(live_daphne, page: Page):
    contact = make_department("Contact centre")
    user = make_user("eva")
    journey = make_journey(facilitator=user, title="I am moving")
    step = make_step(journey, "Agent re-keys the address", contact, duration_minutes=10)
    log_in(page, live_daphne, "eva")
    page.goto(f"{live_daphne}/j/{journey.pk}/")

    open_step(page, "Agent re-keys the address")
    page.get_by_role("button", name="Edit step").click()
    duration = page.get_by_label("Duration (minutes)")
    expect(duration).to_have_value("10")
    duration.clear()
    duration.press_sequentially("12e")  # typed as a person types it; Chromium's number field would send ""
    duration.press("Enter")

    editor = page.locator(f"#step-{step.pk}-editor")
    expect(editor).to_contain_text("Enter the duration as a whole number of minutes, e.g. 15.")
    expect(page.get_by_label("Duration (minutes)")).to_have_value("12e")  # still there, to correct
    expect(page.get_by_label("Duration (minutes)")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#step-{step.pk}-summary .duration")).to_have_text("10 min")
    assert Step.objects.get(pk=step.pk).duration_minutes == 10

    page.get_by_label("Duration (minutes)").fill("12")
    page.get_by_label("Duration (minutes)").press("Enter")
    expect(editor).to_be_empty()  # saved: the editor closes
    expect(page.locator(f"#step-{step.pk}-summary .duration")).to_have_text("12 min")
    assert Step.objects.get(pk=step.pk).duration_minutes == 12


def test_solved_and_closed_pain_points_in_the_step_panel_are_readable(live_daphne, page: Page):
    from axe_playwright_python.sync_playwright import Axe

    contact = make_department("Contact centre")
    user = make_user("eva", departments=[contact])
    journey = make_journey(facilitator=user, title="I am moving")
    step = make_step(journey, "Agent re-keys the address", contact)
    make_pain_point(step, [contact], text="Typos in the new address", severity="low")
    for severity in ("high", "medium", "low"):
        solved = make_pain_point(step, [contact], text=f"Solved {severity}", severity=severity)
        lifecycle.pain_point_solve(pain_point=solved, actor=user, resolution="Checked twice", base_version=None)
        closed = make_pain_point(step, [contact], text=f"Closed {severity}", severity=severity)
        lifecycle.pain_point_mark_wont_fix(pain_point=closed, actor=user, reason="System goes", base_version=None)
    log_in(page, live_daphne, "eva")
    page.goto(f"{live_daphne}/j/{journey.pk}/")

    open_step(page, "Agent re-keys the address")
    expect(page.locator("#drawer .pain-point.status-solved")).to_have_count(3)
    expect(page.locator("#drawer .pain-point.status-wont_fix")).to_have_count(3)
    results = Axe().run(page, context="#drawer", options={"runOnly": ["wcag2a", "wcag2aa"]})
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()
