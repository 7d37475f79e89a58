"""Two people of different departments on one board in two Chromium contexts: changes show up without a reload,
a cut socket catches up when it comes back, and a closed tab leaves the presence list."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from journeys.models import Journey
from tests.factories import make_department, make_journey, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Keep every WebSocket the page opens reachable, so the test can cut one like a dropped network would.
RECORD_SOCKETS = """
window.__sockets = [];
window.__frames = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
window.__dropNextPush = false;  // set by a test: lose the next push before live.js sees it, like the layer can
document.addEventListener("htmx:wsBeforeMessage", (event) => {
  if (window.__dropNextPush && /data-kind="push"/.test(event.detail.message)) {
    window.__dropNextPush = false;
    event.preventDefault();
    event.stopImmediatePropagation();
    return;
  }
  const header = /data-seq="(\\d+)" data-base="(\\d+)" data-kind="(\\w+)"/.exec(event.detail.message);
  if (header) window.__frames.push([header[3], Number(header[2]), Number(header[1])]);
}, true);  // capture: before live.js, which listens on the socket's element
"""


def rendered_board(page: Page) -> str:
    """The board as the page shows it, minus swap markers (pushed and first-served copies differ only there)."""
    return re.sub(r' hx-swap-oob="(true|morph)"', "", page.inner_html("#board-map"))


def add_step(page: Page, title: str, lane: str | None = None) -> None:
    page.fill("#new-step-title", title)
    if lane:
        page.select_option("#new-step-lane", label=lane)
    page.click("#step-create-form button[type=submit]")
    # The form resets when its POST answered; typing the next title before that would be wiped by the reset.
    expect(page.locator("#new-step-title")).to_have_value("")


def board_page(browser: Browser, base_url: str, user, journey: Journey) -> Page:
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    context.add_init_script(RECORD_SOCKETS)
    page = context.new_page()
    page.goto(f"{base_url}/j/{journey.pk}/")
    return page


def test_two_departments_see_each_others_changes_live_and_converge_after_a_cut(live_daphne, browser: Browser):
    customer = make_department("Customer", "#1f77b4")
    contact = make_department("Contact centre", "#ff7f0e")
    anna = make_user("anna", first_name="Anna", departments=[customer])
    bram = make_user("bram", first_name="Bram", departments=[contact])
    journey = make_journey(facilitator=anna, members=[bram], title="I am moving: change my address")

    annas = board_page(browser, live_daphne, anna, journey)
    brams = board_page(browser, live_daphne, bram, journey)
    expect(annas.locator("#presence-list")).to_contain_text("Bram")
    expect(brams.locator("#presence-list")).to_contain_text("Anna")

    add_step(annas, "Customer fills in the web form", "Customer")
    card = brams.locator("#board-map .step-card", has_text="Customer fills in the web form")
    expect(card).to_be_visible()
    expect(brams.locator("#live-announcer")).to_contain_text("Anna changed a step")
    # The insights panel follows in its own frame right behind the push, and applies on top of it.
    journey.refresh_from_db()
    expect(brams.locator("#insights-panel")).to_have_attribute("data-seq", str(journey.seq))
    assert ["followup", journey.seq, journey.seq] in brams.evaluate("window.__frames")

    card.click()  # Bram watches the step's pain points in his drawer
    expect(brams.locator("#drawer .pain-points")).to_contain_text("No pain points")
    annas.locator("#board-map .step-card", has_text="Customer fills in the web form").click()
    drawer = annas.locator("#drawer")
    drawer.locator("input[name=text]").fill("Nobody says what happens next")
    drawer.locator("label.check", has_text="Contact centre").locator("input").check()
    drawer.locator("button", has_text="Add pain point").click()
    expect(brams.locator("#drawer .pain-points")).to_contain_text("Nobody says what happens next")
    expect(card.locator(".pain-badge")).to_contain_text("1")

    # Cut Bram's socket while he is offline; Anna keeps working; Bram comes back and catches up.
    brams.context.set_offline(True)
    brams.evaluate('window.__sockets.filter((socket) => socket.url.includes("/ws/j/")).at(-1).close()')
    brams.evaluate("window.__frames = []")
    add_step(annas, "Agent re-keys the address", "Contact centre")
    expect(annas.locator("#board-map")).to_contain_text("Agent re-keys the address")
    add_step(annas, "Policy administration recalculates the premium")
    expect(annas.locator("#board-map")).to_contain_text("Policy administration recalculates the premium")
    brams.wait_for_timeout(1000)
    expect(brams.locator("#board-map")).not_to_contain_text("Agent re-keys the address")
    brams.context.set_offline(False)

    journey.refresh_from_db()
    expect(brams.locator("#board-seq")).to_have_attribute("data-seq", str(journey.seq), timeout=20_000)
    expect(brams.locator("#board-map")).to_contain_text("Agent re-keys the address")
    expect(brams.locator("#board-map")).to_contain_text("Policy administration recalculates the premium")
    # The two steps Anna added while Bram was away came in one catch-up frame, not as pushes.
    frames = brams.evaluate("window.__frames")
    assert ["catchup", journey.seq - 2, journey.seq] in frames, frames
    assert rendered_board(brams) == rendered_board(annas)
    expect(annas.locator("#board-seq")).to_have_attribute("data-seq", str(journey.seq))
    expect(brams.locator("#insights-panel")).to_have_attribute("data-seq", str(journey.seq))

    brams.context.close()  # Bram closes his tab: he leaves Anna's "who is here" within seconds
    expect(annas.locator("#presence-list")).not_to_contain_text("Bram", timeout=5_000)
    expect(annas.locator("#presence-list")).to_contain_text("Anna")


def test_a_lost_push_is_noticed_at_the_next_one_and_caught_up(live_daphne, browser: Browser):
    customer = make_department("Customer", "#1f77b4")
    anna = make_user("anna", first_name="Anna", departments=[customer])
    bram = make_user("bram", first_name="Bram")
    journey = make_journey(facilitator=anna, members=[bram])
    annas = board_page(browser, live_daphne, anna, journey)
    brams = board_page(browser, live_daphne, bram, journey)
    expect(brams.locator("#presence-list")).to_contain_text("Anna")

    brams.evaluate("window.__dropNextPush = true")
    for title in ("Customer looks for the moving page", "Customer fills in the web form"):
        add_step(annas, title)
        expect(annas.locator("#board-map")).to_contain_text(title)

    journey.refresh_from_db()
    expect(brams.locator("#board-seq")).to_have_attribute("data-seq", str(journey.seq))
    expect(brams.locator("#board-map")).to_contain_text("Customer looks for the moving page")
    expect(brams.locator("#board-map")).to_contain_text("Customer fills in the web form")
    frames = brams.evaluate("window.__frames")
    assert ["push", journey.seq - 1, journey.seq] in frames  # arrived, was a gap, was not applied
    assert ["snapshot", 0, journey.seq] in frames, frames  # the catch-up it asked for (from seq 0: whole board)
