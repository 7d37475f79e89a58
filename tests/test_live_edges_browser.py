"""The edges of the live protocol, as a workshop meets them: a colleague's change never wipes what someone is typing,
a whole-board catch-up leaves an open editor alone, the open panel follows renames and deletes of the steps it
names, and pushes that arrive out of order (two processes) are put back in order without a catch-up.

The colleague posts to the same daphne over HTTP (as their browser would), so their changes reach the page as pushes.
"""

from __future__ import annotations

import urllib.parse

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from bench.harness import Editor
from journeys import services
from journeys.models import Journey, Step
from tests.factories import link, make_department, make_journey, make_step, make_user
from tests.test_board_browser import card
from tests.test_live_browser import board_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Frames of one seq (its push and follow-up) held back until the next push has been handled: what a browser sees
# when two processes fan out two changes made a moment apart. Every message the page sends is recorded.
REORDER_FRAMES = """
window.__sent = [];
window.__holdSeq = 0;
const nativeSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) { window.__sent.push(String(data)); return nativeSend.call(this, data); };
const nativeListen = WebSocket.prototype.addEventListener;
WebSocket.prototype.addEventListener = function (type, listener, ...rest) {
  if (type !== "message") return nativeListen.call(this, type, listener, ...rest);
  const held = [];
  return nativeListen.call(this, type, function (event) {
    const seq = Number((/data-seq="(\\d+)"/.exec(event.data) || [])[1]);
    if (window.__holdSeq && seq === window.__holdSeq) return void held.push(event);
    listener.call(this, event);
    if (window.__holdSeq && seq === window.__holdSeq + 1 && /data-kind="push"/.test(event.data)) {
      window.__holdSeq = 0;
      held.splice(0).forEach((early) => listener.call(this, early));
    }
  }, ...rest);
};
"""


class Colleague:
    """Someone else on the board, posting to the page's own daphne."""

    def __init__(self, base_url: str, user, journey: Journey) -> None:
        client = Client()
        client.force_login(user)
        self.editor = Editor(base_url, client.cookies["sessionid"].value, journey.pk)
        self.journey = journey

    def post(self, path: str, fields: dict[str, str]) -> str:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.editor.request("POST", f"/j/{self.journey.pk}/{path}", cookies=self.editor.cookies, data=body)

    def rename(self, step: Step, title: str) -> None:
        step.refresh_from_db()
        self.post(f"steps/{step.pk}/edit/", {"title": title, "base_version": step.version})


@pytest.fixture
def workshop(live_daphne, browser: Browser):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    anna = make_user("anna", first_name="Anna", departments=[customer])
    bram = make_user("bram", first_name="Bram", departments=[contact])
    journey = make_journey(facilitator=anna, members=[bram], title="I want to cancel my policy")
    calls = make_step(journey, "Calls the contact centre", customer)
    cancels = make_step(journey, "Agent cancels the policy", contact)
    handoff = link(journey, calls, cancels, "phone")
    page = board_page(browser, live_daphne, anna, journey)
    return {
        "page": page,
        "journey": journey,
        "calls": calls,
        "cancels": cancels,
        "handoff": handoff,
        "contact": contact,
        "bram": bram,
        "colleague": Colleague(live_daphne, bram, journey),
        "base": live_daphne,
    }


def open_panel(page: Page, step: Step):
    card(page, step.title).click()
    panel = page.locator(f"#step-detail-{step.pk}")
    expect(panel).to_be_visible()
    return panel


def wait_current(page: Page, journey: Journey) -> None:
    journey.refresh_from_db()
    expect(page.locator("#board-seq")).to_have_attribute("data-seq", str(journey.seq), timeout=10_000)


def test_a_half_typed_hand_off_label_keeps_its_text_and_focus_when_a_colleague_changes_the_step(workshop):
    page, calls, handoff = workshop["page"], workshop["calls"], workshop["handoff"]
    open_panel(page, calls)
    label = page.locator(f"#handoff-{handoff.pk}-label")
    label.fill("klant belt terug na 3 dagen")

    workshop["colleague"].post(
        f"steps/{calls.pk}/pain-points/add/",
        {"text": "Nobody calls back", "severity": "high", "responsible_departments": workshop["contact"].pk},
    )

    expect(page.locator(f"#step-detail-{calls.pk} .pain-points")).to_contain_text("Nobody calls back")
    wait_current(page, workshop["journey"])
    expect(label).to_have_value("klant belt terug na 3 dagen")
    expect(label).to_be_focused()

    # The stored label changes underneath: the typed text stays, the field says so, and saving meets the notice.
    handoff.refresh_from_db()
    workshop["colleague"].post(f"handoffs/{handoff.pk}/edit/", {"label": "mail", "base_version": handoff.version})
    wait_current(page, workshop["journey"])
    expect(label).to_have_value("klant belt terug na 3 dagen")
    expect(label).to_have_class("changed-underneath")
    page.locator(f"#handoff-{handoff.pk}-item").get_by_role("button", name="Save label").click()
    conflict = page.locator("#conflict-region .conflict")
    expect(conflict).to_contain_text("mail")
    expect(conflict).to_contain_text("klant belt terug na 3 dagen")
    handoff.refresh_from_db()
    assert handoff.label == "mail"


def test_a_whole_board_catch_up_leaves_an_open_editor_and_its_unsaved_text_alone(workshop):
    page, calls, journey = workshop["page"], workshop["calls"], workshop["journey"]
    panel = open_panel(page, calls)
    panel.get_by_role("button", name="Edit step").click()
    description = page.locator(f"#step-{calls.pk}-description")
    description.fill("The customer has the policy number at hand")

    # Offline while a colleague makes more than 40 changes: back online, the page catches up with a snapshot.
    page.context.set_offline(True)
    page.evaluate('window.__sockets.filter((socket) => socket.url.includes("/ws/j/")).at(-1).close()')
    cancels = workshop["cancels"]
    for n in range(41):
        cancels.refresh_from_db()
        services.step_update(step=cancels, actor=workshop["bram"], base_version=cancels.version, title=f"Agent {n}")
    page.context.set_offline(False)

    expect(card(page, "Agent 40")).to_be_visible(timeout=10_000)
    wait_current(page, journey)
    assert ["snapshot", 0, journey.seq] in page.evaluate("window.__frames")
    expect(description).to_have_value("The customer has the policy number at hand")
    panel.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(f"#step-{calls.pk}-summary")).to_contain_text("The customer has the policy number at hand")
    calls.refresh_from_db()
    assert calls.description == "The customer has the policy number at hand"


def test_the_open_panel_follows_a_rename_and_a_delete_of_the_step_it_hands_off_to(workshop):
    page, calls, cancels, handoff = workshop["page"], workshop["calls"], workshop["cancels"], workshop["handoff"]
    panel = open_panel(page, calls)
    hand_offs = page.locator(f"#step-{calls.pk}-handoffs")
    expect(hand_offs).to_contain_text("to Agent cancels the policy")

    workshop["colleague"].rename(cancels, "Back office cancels the policy")

    expect(hand_offs).to_contain_text("to Back office cancels the policy")
    expect(panel.get_by_role("button", name="Remove the hand-off to Back office cancels the policy")).to_be_visible()
    expect(panel.get_by_label("Hand off to").locator("option")).to_have_text(["—", "Back office cancels the policy"])
    expect(panel.get_by_label("Place after").locator("option")).to_have_text(
        ["(keep its place)", "Back office cancels the policy"]
    )

    cancels.refresh_from_db()
    workshop["colleague"].post(f"steps/{cancels.pk}/delete/", {"base_version": cancels.version})

    expect(hand_offs).not_to_contain_text("Back office")
    expect(hand_offs).to_contain_text("Not linked yet.")
    expect(panel.get_by_label("Hand off to").locator("option")).to_have_text(["—"])
    assert not Step.objects.filter(pk=cancels.pk).exists()
    assert handoff.pk is not None


def test_an_action_on_a_hand_off_deleted_meanwhile_says_so_in_words(workshop):
    page, calls, cancels, handoff = workshop["page"], workshop["calls"], workshop["cancels"], workshop["handoff"]
    panel = open_panel(page, calls)
    page.evaluate("window.__dropNextPush = true")  # the push of the delete is lost: the panel still shows it

    cancels.refresh_from_db()
    workshop["colleague"].post(f"steps/{cancels.pk}/delete/", {"base_version": cancels.version})
    page.wait_for_timeout(500)
    panel.get_by_role("button", name="Remove the hand-off to Agent cancels the policy").click()

    expect(page.locator("#conflict-region")).to_contain_text("This hand-off has been deleted in the meantime")
    assert handoff.pk is not None


def test_pushes_that_arrive_out_of_order_are_applied_in_order_without_a_catch_up(workshop, browser: Browser):
    page, journey = workshop["page"], workshop["journey"]
    page.close()
    context = page.context
    context.add_init_script(REORDER_FRAMES)
    page = context.new_page()
    page.goto(f"{workshop['base']}/j/{journey.pk}/")
    expect(page.locator("#presence-list")).to_contain_text("Anna")
    journey.refresh_from_db()
    page.evaluate(f"window.__holdSeq = {journey.seq + 1}")

    workshop["colleague"].editor.add_step("Receives a letter", workshop["contact"].pk)
    workshop["colleague"].editor.add_step("Reads the letter", workshop["contact"].pk)

    expect(card(page, "Receives a letter")).to_be_visible()
    expect(card(page, "Reads the letter")).to_be_visible()
    wait_current(page, journey)
    page.wait_for_timeout(1500)  # longer than the page waits for a gap to fill
    assert page.evaluate("window.__holdSeq") == 0  # the frames were held back and came late
    sent = [message for message in page.evaluate("window.__sent") if "resync" in message]
    assert sent == [], sent
