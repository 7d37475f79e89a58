"""Pain points in a real browser against daphne: the owner's page, and a second user's board following live."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from config.routing import websocket_urlpatterns
from journeys.models import PainPoint
from live import fragments
from painpoints import services as lifecycle
from tests.factories import PASSWORD, make_owners_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NO_SOCKET = not websocket_urlpatterns

# The message handler of htmx's ws extension (hx-ws-2.js): parse the message, out-of-band swap every top-level child.
SWAP_LIKE_THE_WS_EXTENSION = """html => {
  htmx.defineExtension("test-push", { init(api) { window.__htmxApi = api; } });
  const api = window.__htmxApi;
  const settleInfo = api.makeSettleInfo(document.body);
  const fragment = api.makeFragment(html);
  for (const child of Array.from(fragment.children)) {
    api.oobSwap(api.getAttributeValue(child, "hx-swap-oob") || "true", child, settleInfo);
  }
  api.settleImmediately(settleInfo.tasks);
}"""


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator(".site-nav .who")).to_be_visible()


def pick_up_and_solve(page: Page, base_url: str, pain_point: PainPoint) -> None:
    page.goto(f"{base_url}/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/")
    page.get_by_role("button", name="Pick up").click()
    expect(page.locator(f"#pain-point-{pain_point.pk}-state .status")).to_have_text("in progress")
    page.fill("#solve-resolution", "The agent screen now shows the change's status")
    page.get_by_role("button", name="Mark solved").click()
    expect(page.locator(f"#pain-point-{pain_point.pk}-state .status")).to_have_text("solved")


def test_owner_picks_up_and_solves_from_the_pain_point_page(live_daphne, page: Page):
    world = make_owners_world()
    pain_point = world["pain_point"]
    log_in(page, live_daphne, "carla")

    pick_up_and_solve(page, live_daphne, pain_point)

    expect(page.locator(f"#pain-point-{pain_point.pk}-timeline")).to_contain_text("picked up")
    expect(page.locator(f"#pain-point-{pain_point.pk}-timeline")).to_contain_text("Carla Bakker")
    page.goto(f"{live_daphne}/pain-points/")
    expect(page.locator(f"#owner-row-{pain_point.pk} .status")).to_have_text("solved")
    assert PainPoint.objects.get(pk=pain_point.pk).status == PainPoint.Status.SOLVED


@pytest.mark.xfail(
    NO_SOCKET,
    reason="needs the live board socket (branch `sync`): without it the second board cannot change by itself",
    strict=True,
)
def test_second_user_sees_the_card_turn_solved_without_reloading(live_daphne, browser: Browser):
    world = make_owners_world()
    pain_point, step = world["pain_point"], world["step"]
    owner = browser.new_context().new_page()
    watcher = browser.new_context().new_page()
    log_in(owner, live_daphne, "carla")
    log_in(watcher, live_daphne, "dirk")

    watcher.goto(f"{live_daphne}/j/{step.journey_id}/")
    card = watcher.locator(f"#step-{step.pk}")
    expect(card.locator(".pain-badge")).not_to_have_class(re.compile("all-solved"))
    card.click()  # opens the drawer with the step's pain points
    expect(watcher.locator(f"#pain-point-{pain_point.pk} .status")).to_have_text("open")
    watcher.evaluate("window.__notReloaded = true")

    pick_up_and_solve(owner, live_daphne, pain_point)

    expect(card.locator(".pain-badge")).to_have_class(re.compile("all-solved"), timeout=5000)
    expect(watcher.locator(f"#pain-point-{pain_point.pk} .status")).to_have_text("solved")
    expect(watcher.locator(f"#pain-point-{pain_point.pk}")).to_contain_text("owner: Carla Bakker")
    assert watcher.evaluate("window.__notReloaded") is True


def test_owners_list_rows_swap_in_place_when_their_pushed_fragments_arrive(live_daphne, page: Page):
    """What the socket will deliver, swapped the way htmx's ws extension swaps a message: the rows take it."""
    world = make_owners_world()
    pain_point = world["pain_point"]
    log_in(page, live_daphne, "carla")
    page.goto(f"{live_daphne}/pain-points/")
    row = page.locator(f"#owner-row-{pain_point.pk}")
    expect(row.locator(".status")).to_have_text("open")
    page.evaluate("window.__notReloaded = true")

    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["ivo"], base_version=None)
    pushed = fragments.render_changes(world["journey"], {"step": pain_point.step_id, "pain_point": pain_point.pk})
    page.evaluate(SWAP_LIKE_THE_WS_EXTENSION, pushed)

    expect(row.locator(".status")).to_have_text("in progress")
    expect(row).to_contain_text("Ivo Mol")
    gone = fragments.render_changes(world["journey"], {"step": pain_point.step_id, "deleted_pain_point": pain_point.pk})
    page.evaluate(SWAP_LIKE_THE_WS_EXTENSION, gone)
    expect(row).to_have_count(0)
    assert page.evaluate("window.__notReloaded") is True


def test_owners_pages_have_no_serious_accessibility_violations(live_daphne, page: Page):
    from axe_playwright_python.sync_playwright import Axe

    world = make_owners_world()
    log_in(page, live_daphne, "carla")
    for path in ("/pain-points/", f"/j/{world['journey'].pk}/pain-points/{world['pain_point'].pk}/"):
        page.goto(f"{live_daphne}{path}")
        results = Axe().run(page, context="main")
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, results.generate_report()


def open_owners_list(browser: Browser, base_url: str, username: str) -> Page:
    page = browser.new_context().new_page()
    log_in(page, base_url, username)
    page.goto(f"{base_url}/pain-points/")
    expect(page.locator("#owner-live")).to_have_attribute("data-state", "live")
    page.evaluate("window.__notReloaded = true")
    return page


def test_owners_list_shows_a_newly_tagged_and_a_solved_pain_point_without_reloading(live_daphne, browser: Browser):
    world = make_owners_world()
    step, existing = world["step"], world["pain_point"]
    carlas = open_owners_list(browser, live_daphne, "carla")  # IT, her list open
    expect(carlas.locator(".owner-row")).to_have_count(1)
    carlas.locator(f"#owner-row-{existing.pk} .pain-link").focus()
    ivos = browser.new_context().new_page()  # IT too, working on the board
    log_in(ivos, live_daphne, "ivo")

    ivos.goto(f"{live_daphne}/j/{step.journey_id}/")
    ivos.locator(f"#step-{step.pk}").click()
    drawer = ivos.locator("#drawer")
    drawer.locator("input[name=text]").fill("The callback promise is not kept")
    drawer.locator("label.check", has_text=re.compile(r"^\s*IT\s*$")).locator("input").check()
    drawer.locator("button", has_text="Add pain point").click()

    new_row = carlas.locator(".owner-row", has_text="The callback promise is not kept")
    expect(new_row).to_be_visible(timeout=5000)
    expect(new_row.locator(".status")).to_have_text("open")
    expect(carlas.locator("#owner-count")).to_have_text("2 pain points")
    expect(carlas.locator("#owner-announcer")).to_contain_text("New in the list: 1.")
    focused_row = carlas.evaluate("(document.activeElement.closest('.owner-row') || {}).id")
    assert focused_row == f"owner-row-{existing.pk}"  # the keyboard stays where it was

    pick_up_and_solve(ivos, live_daphne, existing)

    expect(carlas.locator(f"#owner-row-{existing.pk} .status")).to_have_text("solved", timeout=5000)
    expect(carlas.locator(f"#owner-row-{existing.pk}")).to_contain_text("Ivo Mol")
    expect(carlas.locator("#owner-announcer")).to_contain_text("Changed: 1.")
    assert carlas.evaluate("window.__notReloaded") is True


def test_owners_list_converges_on_the_heartbeat_marker_when_a_doorbell_is_lost(live_daphne, browser: Browser):
    """A change made in this process rings no socket of the daphne process: the doorbell is lost. The next
    heartbeat's marker differs from the one the rows were rendered with, and the page refetches."""
    world = make_owners_world()
    pain_point = world["pain_point"]
    sockets = []  # the page's side of each socket, so the test can speak as the server

    def pass_through(socket: WebSocketRoute) -> None:
        socket.connect_to_server()  # everything else still flows both ways
        sockets.append(socket)

    page = browser.new_context().new_page()
    page.route_web_socket(re.compile(r"/ws/pain-points/$"), pass_through)
    log_in(page, live_daphne, "carla")
    page.goto(f"{live_daphne}/pain-points/")
    expect(page.locator("#owner-live")).to_have_attribute("data-state", "live")
    page.wait_for_load_state("networkidle")  # the refetch a page makes once it is connected has come back
    page.evaluate("window.__notReloaded = true")

    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["ivo"], base_version=None)
    page.wait_for_timeout(600)
    expect(page.locator(f"#owner-row-{pain_point.pk} .status")).to_have_text("open")  # nothing rang
    marker = page.locator("#owner-list-body").get_attribute("data-marker")
    sockets[-1].send(json.dumps({"marker": f"not-{marker}"}))  # what the next heartbeat carries

    expect(page.locator(f"#owner-row-{pain_point.pk} .status")).to_have_text("in progress")
    assert page.locator("#owner-list-body").get_attribute("data-marker") != marker
    assert page.evaluate("window.__notReloaded") is True


def test_an_open_pain_point_page_follows_a_colleague_s_pick_up_and_solve_with_its_own_buttons(
    live_daphne, browser: Browser
):
    world = make_owners_world()
    pain_point = world["pain_point"]
    url = f"{live_daphne}/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/"
    watcher = browser.new_context().new_page()
    log_in(watcher, live_daphne, "carla")
    watcher.goto(url)
    watcher.evaluate("window.__notReloaded = true")
    actions = watcher.locator(f"#pain-point-{pain_point.pk}-actions")
    expect(actions.get_by_role("button", name="Pick up")).to_be_visible()
    watcher.fill("#solve-resolution", "Half-typed by Carla")
    colleague = browser.new_context().new_page()
    log_in(colleague, live_daphne, "ivo")

    colleague.goto(url)
    colleague.get_by_role("button", name="Pick up").click()

    state = watcher.locator(f"#pain-point-{pain_point.pk}-state")
    expect(state.locator(".status")).to_have_text("in progress", timeout=5000)
    expect(state).to_contain_text("Ivo Mol")
    expect(actions.get_by_role("button", name="Pick up")).to_have_count(0)
    expect(actions.get_by_role("button", name="Mark solved")).to_be_visible()
    expect(actions.get_by_role("button", name="Give back")).to_have_count(0)  # Ivo's button, not Carla's
    expect(watcher.locator("#solve-resolution")).to_have_value("Half-typed by Carla")

    colleague.fill("#solve-resolution", "The agent screen now shows the change's status")
    colleague.get_by_role("button", name="Mark solved").click()

    expect(state.locator(".status")).to_have_text("solved", timeout=5000)
    timeline = watcher.locator(f"#pain-point-{pain_point.pk}-timeline")
    expect(timeline).to_contain_text("picked up")
    expect(timeline).to_contain_text("solved")
    expect(timeline).to_contain_text("The agent screen now shows the change's status")
    expect(actions.get_by_role("button", name="Reopen")).to_be_visible()
    expect(actions.get_by_role("button", name="Mark solved")).to_have_count(0)
    expect(actions.locator("input[name=base_version]")).to_have_value("3")
    assert watcher.evaluate("window.__notReloaded") is True

    watcher.fill("#reopen-reason", "Customers still call about it")
    watcher.get_by_role("button", name="Reopen").click()  # the refetched form works for Carla
    expect(state.locator(".status")).to_have_text("open")
    assert PainPoint.objects.get(pk=pain_point.pk).status == PainPoint.Status.OPEN


def test_an_open_pain_point_page_and_its_tab_follow_a_colleague_s_rewording(live_daphne, browser: Browser):
    world = make_owners_world()
    pain_point = world["pain_point"]
    url = f"{live_daphne}/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/"
    watcher = browser.new_context().new_page()
    log_in(watcher, live_daphne, "carla")
    watcher.goto(url)
    expect(watcher).to_have_title(re.compile("^The agent cannot see the status of the change"))
    colleague_context = browser.new_context()
    colleague = colleague_context.new_page()
    log_in(colleague, live_daphne, "ivo")
    colleague.goto(url)
    token = next(c["value"] for c in colleague_context.cookies() if c["name"] == "csrftoken")

    response = colleague.request.post(
        f"{live_daphne}/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/edit/",
        form={
            "text": "Agents cannot see where the address change is",
            "severity": "high",
            "responsible_departments": str(world["it"].pk),
            "base_version": str(pain_point.version),
        },
        headers={"X-CSRFToken": token, "Referer": url},
    )

    assert response.status == 200
    expect(watcher.locator("h1")).to_have_text("Agents cannot see where the address change is", timeout=5000)
    expect(watcher).to_have_title("Agents cannot see where the address change is · Journey Board")


def test_a_refused_action_puts_the_focus_on_the_field_to_fix_and_a_done_one_on_what_comes_next(live_daphne, page: Page):
    world = make_owners_world()
    pain_point = world["pain_point"]
    log_in(page, live_daphne, "carla")
    page.goto(f"{live_daphne}/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/")

    page.get_by_role("button", name="Pick up").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#pain-point-{pain_point.pk}-actions")).to_be_focused()
    page.get_by_role("button", name="Mark solved").focus()
    page.keyboard.press("Enter")  # without saying how

    resolution = page.locator("#solve-resolution")
    expect(resolution).to_be_focused()
    expect(resolution).to_have_attribute("aria-invalid", "true")
    problem = page.locator("#" + resolution.get_attribute("aria-describedby"))
    expect(problem).to_contain_text("Say in a few words how it was solved.")
    expect(page.locator("#pain-point-feedback")).to_contain_text(
        "Nothing was saved: Say in a few words how it was solved."
    )
    assert PainPoint.objects.get(pk=pain_point.pk).status == PainPoint.Status.IN_PROGRESS
