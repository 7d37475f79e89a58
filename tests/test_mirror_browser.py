"""The mirror survey page in real browsers: one participant keeps it open while another estimates and the
facilitator imports customer scores and reveals; the open page follows over the journey's socket, without reloading.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, make_journey, make_step, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LIVE = 10_000  # ms to wait for another browser to see a change


def open_mirror(browser: Browser, base_url: str, user, journey) -> Page:
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{base_url}/j/{journey.pk}/mirror/")
    return page


def test_an_open_mirror_page_follows_estimates_imports_and_the_reveal_without_reloading(live_daphne, browser: Browser):
    anna, ann, bob = make_user("anna"), make_user("ann"), make_user("bob")
    journey = make_journey(facilitator=anna, members=[ann, bob])
    form, mailbox = make_step(journey, "Web form"), make_step(journey, "Shared mailbox")
    watcher = open_mirror(browser, live_daphne, ann, journey)
    lead = open_mirror(browser, live_daphne, anna, journey)
    bob_page = open_mirror(browser, live_daphne, bob, journey)
    # No need to wait for the sockets: each page says hello with the seq it was rendered at and catches up from there.
    watcher.evaluate("() => { window.notReloaded = true; }")
    counts = watcher.locator("#mirror-results")
    expect(counts).to_contain_text("So far 0 estimates from 0 participants and 0 customer scores.")

    bob_page.select_option("#id_journey", "7")
    bob_page.select_option(f"#id_step-{form.pk}", "9")
    bob_page.select_option(f"#id_step-{mailbox.pk}", "5")
    bob_page.click("#mirror-save")
    expect(bob_page.locator(f"#id_step-{form.pk}")).to_have_value("9")  # Bob sees his own estimate
    expect(counts).to_contain_text("So far 3 estimates from 1 participant and 0 customer scores.", timeout=LIVE)
    expect(lead.locator("#mirror-results")).to_contain_text("So far 3 estimates", timeout=LIVE)
    expect(watcher.locator(".step-row")).to_have_count(0)  # hidden until the reveal: no staff view anywhere

    lead.set_input_files(
        "#id_file",
        files=[
            {
                "name": "scores.csv",
                "mimeType": "text/csv",
                "buffer": b"step,score,responses\nWeb form,5,40\nShared mailbox,6.5,30\n,6,200\n",
            }
        ],
    )
    lead.click("form[action$='/mirror/import/'] button[type=submit]")
    expect(counts).to_contain_text("and 3 customer scores", timeout=LIVE)

    lead.click("[data-mirror-reveal]")
    expect(watcher.locator("#mirror-results-heading")).to_have_text("Staff view versus customer view", timeout=LIVE)
    rows = watcher.locator("#mirror-results .step-row th")
    expect(rows).to_have_text(["Web form", "Shared mailbox"])  # gap +4.0 first, then -1.5
    expect(watcher.locator("#mirror-results .journey-row")).to_contain_text("+1.0")
    expect(watcher.locator("#mirror-save")).to_be_disabled()
    expect(watcher.locator("#mirror-locked")).to_contain_text("can no longer change")
    expect(bob_page.locator("#mirror-save")).to_be_disabled(timeout=LIVE)
    assert watcher.evaluate("() => window.notReloaded") is True

    lead.click("[data-mirror-hide]")
    expect(watcher.locator("#mirror-results")).to_contain_text("So far 3 estimates", timeout=LIVE)
    expect(watcher.locator("#mirror-save")).to_be_enabled()
    assert watcher.evaluate("() => window.notReloaded") is True


def test_an_open_mirror_page_gains_a_row_for_a_step_added_on_the_board_and_keeps_what_was_chosen(
    live_daphne, browser: Browser
):
    anna, ann = make_user("anna"), make_user("ann")
    journey = make_journey(facilitator=anna, members=[ann])
    form = make_step(journey, "Web form")
    watcher = open_mirror(browser, live_daphne, ann, journey)
    watcher.evaluate("() => { window.notReloaded = true; }")
    watcher.select_option(f"#id_step-{form.pk}", "4")  # chosen, not saved yet
    board = open_mirror(browser, live_daphne, anna, journey)
    board.goto(f"{live_daphne}/j/{journey.pk}/")

    board.locator("#new-step-title").fill("Shared mailbox")
    board.keyboard.press("Enter")
    board.locator("#board-map .step-card", has_text="Shared mailbox").wait_for()

    expect(watcher.get_by_label("Shared mailbox")).to_be_visible(timeout=LIVE)
    expect(watcher.locator(f"#id_step-{form.pk}")).to_have_value("4")
    assert watcher.evaluate("() => window.notReloaded") is True
    watcher.select_option("#mirror-estimates-form select >> nth=-1", "6")
    watcher.click("#mirror-save")
    expect(watcher.locator(f"#id_step-{form.pk}")).to_have_value("4")  # saved, page reloaded with both
    expect(watcher.get_by_label("Shared mailbox")).to_have_value("6")


def csv_file(content: bytes) -> list[dict]:
    return [{"name": "scores.csv", "mimeType": "text/csv", "buffer": content}]


def test_the_facilitator_imports_customer_scores_without_leaving_the_page(live_daphne, browser: Browser):
    from journeys.models import CustomerScore

    anna = make_user("anna")
    journey = make_journey(facilitator=anna)
    form = make_step(journey, "Web form")
    lead = open_mirror(browser, live_daphne, anna, journey)
    lead.evaluate("() => { window.notReloaded = true; }")
    importer = lead.locator("#customer-scores-import-form")

    lead.set_input_files("#id_file", files=csv_file(b"step,score,responses\nWeb form,0,3\n"))
    importer.get_by_role("button", name="Import").click()
    expect(lead.locator("#mirror-feedback")).to_contain_text("Line 2: The score must be from 1 to 10.")
    assert not CustomerScore.objects.exists()

    lead.set_input_files("#id_file", files=csv_file(b"step,score,responses\nWeb form,8,40\n"))
    importer.get_by_role("button", name="Import").click()
    expect(lead.locator("#mirror-done")).to_have_text("The customer scores are imported.")
    expect(lead.locator("#mirror-feedback")).to_be_empty()
    expect(lead.locator("#mirror-results")).to_contain_text("and 1 customer scores")
    expect(lead.locator(f"#customer-scores-form input[name='score-{form.pk}']")).to_have_value(re.compile(r"^8"))
    assert lead.evaluate("() => window.notReloaded") is True
    assert CustomerScore.objects.get(step=form).score == 8

    # A second file is a new change (the form came back with an operation id of its own), not a replay of the first.
    lead.set_input_files("#id_file", files=csv_file(b"step,score,responses\nWeb form,6,50\n"))
    importer.get_by_role("button", name="Import").click()
    expect(lead.locator("#mirror-done")).to_have_text("The customer scores are imported.")
    expect(lead.locator(f"#customer-scores-form input[name='score-{form.pk}']")).to_have_value(re.compile(r"^6"))
    assert lead.evaluate("() => window.notReloaded") is True
    assert CustomerScore.objects.get(step=form).score == 6
