"""A dot-voting round in real browsers: a facilitator and two participants, each in their own browser context.

Other pages pick up changes through the live socket when the page has one (the sync layer), otherwise through
workshop.js's catch-up polling of /workshop/state/; the expectations below wait for either.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, make_workshop
from workshops import services
from workshops.models import Dot, VotingRound, WorkshopTimer

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LIVE = 10_000  # ms to wait for another browser to see a change


def open_board(browser: Browser, base_url: str, user, journey) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 860}).new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{base_url}/j/{journey.pk}/")
    return page


def shot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("WORKSHOP_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def vote_row(page: Page, pain_point):
    return page.locator(f"#vote-{pain_point.pk}")


def test_a_voting_round_with_two_participants(live_daphne, browser: Browser, tmp_path):
    journey, facilitator, (ann, bob), (first, second, third) = make_workshop(participants=2, pain_points=3)
    lead = open_board(browser, live_daphne, facilitator, journey)
    ann_page = open_board(browser, live_daphne, ann, journey)
    bob_page = open_board(browser, live_daphne, bob, journey)

    expect(ann_page.locator("[data-start-round]")).to_be_hidden()  # a participant has no round controls
    lead.fill("#voting-dots", "2")
    lead.click("[data-start-round]")
    expect(lead.locator("#voting-panel")).to_be_visible()
    for page in (ann_page, bob_page):
        expect(page.locator("#voting-panel")).to_be_visible(timeout=LIVE)
        expect(page.locator("[data-my-dots-left]")).to_have_text("2 dots left", timeout=LIVE)

    ann_plus = vote_row(ann_page, first).locator("[data-place-dot]")
    ann_plus.click()
    expect(vote_row(ann_page, first).locator("[data-my-dots]")).to_have_text("●", timeout=LIVE)
    ann_plus.click()
    expect(ann_page.locator("[data-my-dots-left]")).to_have_text("0 dots left", timeout=LIVE)
    expect(vote_row(ann_page, second).locator("[data-place-dot]")).to_be_disabled()
    # Forcing a third dot past the disabled button: the server refuses it and says why.
    ann_page.evaluate("document.querySelectorAll('[data-place-dot]').forEach((b) => (b.disabled = false))")
    vote_row(ann_page, second).locator("[data-place-dot]").click()
    expect(ann_page.locator("#workshop-message")).to_contain_text("placed all your 2 dots")

    vote_row(bob_page, second).locator("[data-place-dot]").click()
    expect(bob_page.locator("[data-my-dots-left]")).to_have_text("1 dot left", timeout=LIVE)
    expect(vote_row(bob_page, first).locator("[data-my-dots]")).to_have_text("")  # Ann's dots are not Bob's
    expect(bob_page.locator("#voting-panel .tally")).to_have_count(0)  # tallies hidden
    expect(lead.locator("#voting-status")).to_contain_text("3 dots placed", timeout=LIVE)
    shot(bob_page, "1-bob-voting-hidden-tallies", tmp_path)

    lead.click("[data-toggle-tallies]")
    expect(vote_row(bob_page, first).locator(".tally")).to_have_text("2 dots", timeout=LIVE)
    expect(vote_row(ann_page, second).locator(".tally")).to_have_text("1 dot", timeout=LIVE)

    vote_row(ann_page, first).locator("[data-remove-dot]").click()
    expect(ann_page.locator("[data-my-dots-left]")).to_have_text("1 dot left", timeout=LIVE)
    vote_row(ann_page, third).locator("[data-place-dot]").click()
    expect(vote_row(bob_page, third).locator(".tally")).to_have_text("1 dot", timeout=LIVE)
    shot(ann_page, "2-ann-voting-tallies-shown", tmp_path)

    lead.click("[data-end-round]")
    for page in (lead, ann_page, bob_page):
        ranking = page.locator("#voting-panel .rank-row")
        expect(ranking).to_have_count(3, timeout=LIVE)
        expect(page.locator("#voting-panel [data-place-dot]")).to_have_count(0)
    ranks = bob_page.locator("#voting-panel .rank-row").evaluate_all(
        "(rows) => rows.map((row) => [row.id, row.dataset.rank, row.dataset.dots])"
    )
    # Three pain points with one dot each share rank 1; the more severe (all medium here) then the oldest first.
    assert ranks == [[f"rank-{p.pk}", "1", "1"] for p in (first, second, third)]
    shot(lead, "3-facilitator-ranking", tmp_path)

    voting = VotingRound.objects.get()
    assert voting.ended_at is not None and voting.tallies_visible
    assert sorted(Dot.objects.values_list("participant__username", "pain_point")) == sorted(
        [(ann.username, first.pk), (ann.username, third.pk), (bob.username, second.pk)]
    )


def test_the_timer_counts_down_on_the_server_clock_even_when_the_browser_clock_is_wrong(
    live_daphne, browser: Browser, tmp_path
):
    journey, facilitator, (ann, _bob), _points = make_workshop(participants=2, pain_points=0)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=300)
    WorkshopTimer.objects.filter(journey=journey).update(started_at=timezone.now() - timedelta(seconds=100))
    page = browser.new_context(viewport={"width": 1400, "height": 860}).new_page()
    # This browser's clock runs 47 minutes fast: counting against it would show the timer as long finished.
    page.clock.install(time=datetime.now(UTC) + timedelta(minutes=47))
    page.goto(f"{live_daphne}/login/")
    page.fill("#id_username", ann.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    display = page.locator("[data-timer-display]")
    expect(display).to_have_text(re.compile(r"^0[23]:\d\d$"), timeout=LIVE)
    minutes, seconds = map(int, display.text_content().split(":"))
    assert 150 <= minutes * 60 + seconds <= 200  # about 200 s left on the server clock (slack for a loaded machine)
    expect(page.locator("#workshop-timer")).not_to_have_class(re.compile("status-done"))
    page.wait_for_function("document.body.dataset.clockOffsetMs !== undefined", timeout=LIVE)
    offset_ms = int(page.evaluate("document.body.dataset.clockOffsetMs"))
    assert abs(offset_ms + 47 * 60 * 1000) < 10_000
    shot(page, "4-timer-with-wrong-browser-clock", tmp_path)


def test_the_projector_follows_the_facilitator_and_the_timer_is_shared(live_daphne, browser: Browser, tmp_path):
    journey, facilitator, (ann, _bob), (first, *_rest) = make_workshop(participants=2, pain_points=1)
    lead = open_board(browser, live_daphne, facilitator, journey)
    ann_page = open_board(browser, live_daphne, ann, journey)
    projector = lead.context.new_page()
    projector.set_viewport_size({"width": 1400, "height": 860})
    projector.goto(f"{live_daphne}/j/{journey.pk}/workshop/projector/")

    ann_page.click(f"#step-{first.step_id}")  # a participant opening a step does not move the projector
    expect(ann_page.locator("#drawer.open")).to_be_visible()
    lead.click(f"#step-{first.step_id}")  # nor does the facilitator opening it: only presenting it does
    expect(lead.locator("#drawer.open")).to_be_visible()
    lead.get_by_role("button", name="Present this step").click()
    expect(projector.locator(f"#step-{first.step_id}.focus")).to_be_visible(timeout=LIVE)
    expect(projector.locator("#facilitator-focus")).to_contain_text("Now discussing: Customer fills in the form")

    lead.fill("#timer-minutes", "2")
    lead.click("[data-timer-start]")
    for page in (lead, ann_page, projector):
        expect(page.locator("#workshop-timer")).to_have_attribute("data-status", "running", timeout=LIVE)
        expect(page.locator("[data-timer-display]")).to_have_text(re.compile(r"^(01:[2-5]\d|02:00)$"))
    expect(ann_page.locator("[data-timer-pause]")).to_be_hidden()  # the controls are the facilitator's
    lead.click("[data-timer-pause]")
    expect(ann_page.locator("#workshop-timer")).to_have_attribute("data-status", "paused", timeout=LIVE)
    paused = ann_page.locator("[data-timer-display]").text_content()
    ann_page.wait_for_timeout(1500)
    assert ann_page.locator("[data-timer-display]").text_content() == paused
    shot(projector, "5-projector-following-focus", tmp_path)
    lead.click("[data-timer-reset]")
    expect(projector.locator("[data-timer-display]")).to_have_text("02:00", timeout=LIVE)
    assert WorkshopTimer.objects.get(journey=journey).started_at is None


def test_the_workshop_tools_have_no_serious_accessibility_problems(live_daphne, browser: Browser):
    from axe_playwright_python.sync_playwright import Axe

    journey, facilitator, (ann, _bob), (first, *_rest) = make_workshop(participants=2, pain_points=2)
    voting = services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=2)
    services.dot_place(voting=voting, actor=ann, pain_point=first)
    for user in (facilitator, ann):
        page = open_board(browser, live_daphne, user, journey)
        expect(page.locator("[data-my-dots-left]")).not_to_be_empty()
        context = {"include": [[".facilitation-bar"], ["#voting-panel"], [".score-header"]]}
        results = Axe().run(page, context=context)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, results.generate_report()


def test_a_participants_own_dot_is_swapped_in_once_and_the_projector_follows_over_the_socket(
    live_daphne, browser: Browser
):
    journey, facilitator, (ann, _bob), (first, *_rest) = make_workshop(participants=2, pain_points=2)
    services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=2)
    ann_page = open_board(browser, live_daphne, ann, journey)
    projector = open_board(browser, live_daphne, facilitator, journey)
    polls = []
    projector.on("request", lambda request: polls.append(request.url) if "/workshop/state/" in request.url else None)
    projector.goto(f"{live_daphne}/j/{journey.pk}/workshop/projector/")
    expect(ann_page.locator("[data-my-dots-left]")).to_have_text("2 dots left", timeout=LIVE)
    # Count the voting panels swapped in and the requests for Ann's own dots: the answer to her request and the push
    # of the same change bring the same fragments, and applying both (or refreshing per fragment) would redo her dots
    # again and again, late enough to undo what she sees.
    mine = []
    ann_page.on("request", lambda request: mine.append(request.url) if "/voting/mine/" in request.url else None)
    ann_page.evaluate(
        """() => {
            window.panelSwaps = 0;
            document.body.addEventListener("htmx:oobAfterSwap", (event) => {
                const swapped = event.target.id === "voting-panel" && event.detail.target.id === "voting-panel";
                if (swapped) window.panelSwaps++;
            });
        }"""
    )
    vote_row(ann_page, first).locator("[data-place-dot]").click()
    expect(ann_page.locator("[data-my-dots-left]")).to_have_text("1 dot left", timeout=LIVE)
    expect(projector.locator("#voting-status")).to_contain_text("1 dot placed", timeout=LIVE)
    ann_page.wait_for_timeout(1500)  # time for the second copy to arrive, were it applied
    assert ann_page.evaluate("window.panelSwaps") == 1
    assert len(mine) == 1, mine
    journey.refresh_from_db()
    assert ann_page.evaluate("Number(document.getElementById('board-seq').dataset.seq)") == journey.seq
    assert polls == []  # the projector heard it on its socket
