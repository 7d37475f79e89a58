"""A flaky workshop Wi-Fi: a change whose request never reaches the server is sent again with the same operation id,
until it gets through, and is applied exactly once. Whatever the way of editing: a form, a key, a drag."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from journeys.models import Event, Step
from tests.factories import make_department, make_journey, make_step, make_user
from tests.test_board_browser import card, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class FlakyPosts:
    """Fails the first `failures` POSTs to `path_part` at the network level (the browser sees status 0)."""

    def __init__(self, page: Page, path_part: str, failures: int) -> None:
        self.failures = failures
        self.op_ids: list[str] = []
        self.path_part = path_part
        page.route("**/*", self.handle)

    def handle(self, route: Route) -> None:
        request = route.request
        if request.method != "POST" or self.path_part not in request.url:
            route.continue_()
            return
        self.op_ids.append(dict(pair.split("=", 1) for pair in (request.post_data or "").split("&")).get("op_id", ""))
        if len(self.op_ids) <= self.failures:
            route.abort("internetdisconnected")
        else:
            route.continue_()


@pytest.fixture
def board(live_daphne, page: Page):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    user = make_user("bram")
    journey = make_journey(facilitator=user, title="I want to cancel my policy")
    make_step(journey, "Calls the contact centre", customer)
    make_step(journey, "Agent cancels the policy", contact)
    log_in(page, live_daphne, "bram")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    return {"journey": journey, "customer": customer, "contact": contact}


def test_a_step_added_on_a_flaky_network_arrives_once(board, page: Page):
    flaky = FlakyPosts(page, "/steps/add/", failures=2)

    page.locator("#new-step-title").fill("Receives a letter")
    page.get_by_role("button", name="Add step").click()

    expect(card(page, "Receives a letter")).to_be_visible(timeout=10000)
    assert len(flaky.op_ids) == 3 and len(set(flaky.op_ids)) == 1, flaky.op_ids
    assert Step.objects.filter(journey=board["journey"], title="Receives a letter").count() == 1


def test_a_keyboard_move_on_a_flaky_network_arrives_once(board, page: Page):
    flaky = FlakyPosts(page, "/move/", failures=2)
    moved = card(page, "Calls the contact centre")

    moved.focus()
    page.keyboard.press("Alt+ArrowDown")

    expect(moved).to_have_attribute("data-department-id", str(board["contact"].pk), timeout=10000)
    assert len(flaky.op_ids) == 3 and len(set(flaky.op_ids)) == 1, flaky.op_ids
    assert Event.objects.filter(journey=board["journey"], kind="step.moved").count() == 1
    expect(page.locator("#drawer")).not_to_have_class("open")  # a retry is no click on the card


def test_a_confirmed_deletion_on_a_flaky_network_is_asked_once_and_arrives_once(board, page: Page):
    questions: list[str] = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    flaky = FlakyPosts(page, "/delete/", failures=2)
    step = Step.objects.get(journey=board["journey"], title="Agent cancels the policy")
    card(page, "Agent cancels the policy").click()

    page.locator(f"#step-detail-{step.pk}").get_by_role("button", name="Delete step").click()

    expect(card(page, "Agent cancels the policy")).to_have_count(0, timeout=10000)
    assert questions == ["Delete this step, its hand-offs and its pain points?"]
    assert len(flaky.op_ids) == 3 and len(set(flaky.op_ids)) == 1, flaky.op_ids
    assert Event.objects.filter(journey=board["journey"], kind="step.deleted").count() == 1


def test_a_change_answered_by_a_restarting_server_s_proxy_is_tried_again_and_arrives_once(board, page: Page):
    answers = iter([503, 502])
    op_ids: list[str] = []

    def proxy(route: Route) -> None:
        op_ids.append(route.request.post_data or "")
        status = next(answers, None)
        if status is None:
            route.continue_()
        else:
            route.fulfill(status=status, body="Service unavailable")

    page.route("**/steps/add/", proxy)

    page.locator("#new-step-title").fill("Receives a letter")
    page.get_by_role("button", name="Add step").click()

    expect(card(page, "Receives a letter")).to_be_visible(timeout=10000)
    assert len(op_ids) == 3 and len({data.split("op_id=")[1].split("&")[0] for data in op_ids}) == 1
    assert Step.objects.filter(journey=board["journey"], title="Receives a letter").count() == 1


def test_a_server_error_says_so_on_screen_and_keeps_what_was_typed(board, page: Page):
    page.route("**/steps/add/", lambda route: route.fulfill(status=500, body="Server error"))

    page.locator("#new-step-title").fill("Receives a letter")
    page.get_by_role("button", name="Add step").click()

    notice = page.locator("#conflict-region .notice")
    expect(notice).to_contain_text("could not be saved because of an error on the server")
    expect(page.locator("#new-step-title")).to_have_value("Receives a letter")
    notice.get_by_role("button", name="OK").click()
    expect(notice).to_have_count(0)


def test_a_change_that_never_gets_through_says_so_on_screen(board, page: Page):
    page.clock.install()
    page.reload()
    page.route("**/steps/add/", lambda route: route.abort("internetdisconnected"))

    page.locator("#new-step-title").fill("Receives a letter")
    page.get_by_role("button", name="Add step").click()
    notice = page.locator("#conflict-region .notice")
    for _tick in range(80):  # the five retries wait 15.5 s in all: let the page's clock run through them
        if notice.count():
            break
        page.clock.run_for(500)
        page.wait_for_timeout(25)  # real time for the aborted request to come back between ticks

    expect(notice).to_contain_text("could not be sent. Check the connection")
    expect(page.locator("#new-step-title")).to_have_value("Receives a letter")
