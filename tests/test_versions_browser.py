"""Current and future state in real browsers: the facilitator keeps "as it is" and starts "as it should be", the
open board of a participant shows the version live, and the two versions are compared side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from journeys import services
from journeys.models import Step
from tests.browser import serious_violations
from tests.customer_view_pages import compiled_messages, open_page  # noqa: F401 (an autouse fixture)
from tests.factories import link, make_department, make_journey, make_pain_point, make_step, make_user
from versions import services as versions
from versions.models import JourneyVersion

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
LIVE = 10_000


@pytest.fixture
def journey():
    anna, bram = make_user("anna"), make_user("bram")
    journey = make_journey(facilitator=anna, members=[bram], title="I am moving: change my address")
    customer, contact, policy = (make_department(n) for n in ("Customer", "Contact centre", "Policy administration"))
    form = make_step(journey, "Fills in the web form", customer)
    rekey = make_step(journey, "Re-keys the address", contact)
    letter = make_step(journey, "Posts the new policy schedule", policy)
    calls = make_step(journey, "Calls: did you get my change?", customer)
    link(journey, form, rekey)
    link(journey, rekey, letter)
    link(journey, letter, calls)
    make_pain_point(rekey, [contact], text="Re-keying causes typos")
    return journey


def test_keep_as_it_is_start_as_it_should_be_and_compare(live_daphne, browser: Browser, journey):
    bram = open_page(browser, live_daphne, "bram", f"/j/{journey.pk}/")
    expect(bram.locator("#version-bar")).to_be_visible()
    anna = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/versions/")
    anna.get_by_label("Start a new version from this one").fill("As it should be")
    anna.get_by_role("button", name="Start the new version").click()
    expect(anna.get_by_role("link", name="Compare As it is with As it should be")).to_be_visible()
    expect(bram.locator("#version-bar .version-name")).to_have_text("As it is", timeout=LIVE)  # live on his board

    future = JourneyVersion.objects.get(name="As it should be").journey
    anna_user = journey.created_by
    rekey = Step.objects.get(journey=future, title="Re-keys the address")
    services.step_update(step=rekey, actor=anna_user, base_version=None, title="The form fills in the policy system")
    services.step_delete(
        step=Step.objects.get(journey=future, title="Calls: did you get my change?"), actor=anna_user, base_version=None
    )

    anna.get_by_role("link", name="Compare As it is with As it should be").click()
    expect(anna.get_by_role("heading", name="As it is and As it should be, side by side")).to_be_visible()
    expect(anna.locator(".diff-list.removed").first).to_contain_text("Calls: did you get my change?")
    expect(anna.locator(".diff-list.changed").first).to_contain_text(
        "Re-keys the address → The form fills in the policy system"
    )
    anna.get_by_label("Step that answers: Re-keying causes typos").select_option(
        label="The form fills in the policy system"
    )
    anna.get_by_role("button", name="Link").click()
    expect(anna.locator(".compare-pain-points")).to_contain_text("answered in As it should be")
    RESULTS.mkdir(exist_ok=True)
    anna.screenshot(path=str(RESULTS / "versions-compare-1280-en.png"), full_page=True)


@pytest.mark.parametrize(("locale", "width"), [("en", 390), ("nl", 1280), ("nl", 390)])
def test_the_comparison_reads_on_a_phone_and_in_dutch(live_daphne, browser: Browser, journey, locale, width):
    future = versions.version_start(journey=journey, name="As it should be", actor=journey.created_by)
    height = 844 if width < 500 else 800
    url = f"/j/{journey.pk}/versions/compare/{future.pk}/"
    page = open_page(browser, live_daphne, "anna", url, width=width, height=height, locale=locale)
    expect(page.locator(".compare-figures")).to_contain_text("Overdrachten" if locale == "nl" else "Hand-offs")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways page scroll"
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"versions-compare-{width}-{locale}.png"), full_page=True)


def test_an_open_comparison_follows_changes_to_either_map(live_daphne, browser: Browser, journey):
    anna_user = journey.created_by
    future = versions.version_start(journey=journey, name="As it should be", actor=anna_user)
    bram = open_page(browser, live_daphne, "bram", f"/j/{journey.pk}/versions/compare/{future.pk}/")
    added = bram.locator(".diff-list.added").first
    expect(added).to_contain_text("None")

    # Anna changes the future map on her board: Bram's comparison shows it without a reload.
    anna = open_page(browser, live_daphne, "anna", f"/j/{future.pk}/")
    anna.locator("#new-step-title").fill("Sees the status online")
    anna.get_by_role("button", name="Add step").click()
    expect(added).to_contain_text("Sees the status online", timeout=LIVE)
    expect(bram.locator(".compare-figures tbody tr").first).to_contain_text("5", timeout=LIVE)

    # A change to the current map shows too: a step added there is one the future state no longer has.
    anna.goto(f"{live_daphne}/j/{journey.pk}/")
    anna.locator("#new-step-title").fill("Writes a complaint")
    anna.get_by_role("button", name="Add step").click()
    expect(bram.locator(".diff-list.removed").first).to_contain_text("Writes a complaint", timeout=LIVE)
    RESULTS.mkdir(exist_ok=True)
    bram.screenshot(path=str(RESULTS / "versions-compare-live-1280-en.png"), full_page=True)

    # The versions list follows too: a version started elsewhere appears.
    listing = open_page(browser, live_daphne, "bram", f"/j/{journey.pk}/versions/")
    anna.goto(f"{live_daphne}/j/{future.pk}/versions/")
    anna.get_by_label("Start a new version from this one").fill("Later still")
    anna.get_by_role("button", name="Start the new version").click()
    expect(listing.get_by_role("link", name="Compare As it is with Later still")).to_be_visible(timeout=LIVE)
    assert not serious_violations(bram)

    # The journey list shows both later versions under the process, not as journeys of their own.
    listing.goto(f"{live_daphne}/")
    expect(listing.locator("a.journey-link")).to_have_count(1)
    later = listing.get_by_role("list", name="Later versions of I am moving: change my address")
    expect(later.get_by_role("listitem")).to_have_count(2)
    expect(later.get_by_role("listitem").first).to_contain_text("Future state")
    assert not serious_violations(listing)
    listing.screenshot(path=str(RESULTS / "journey-list-versions-1280-en.png"))


def test_a_lane_role_is_set_on_a_phone_and_shown_as_a_badge_on_the_projector(live_daphne, browser: Browser, journey):
    phone = open_page(browser, live_daphne, "anna", f"/j/{journey.pk}/", width=390, height=844)
    lane = phone.locator("#board-map .lane", has=phone.locator(".lane-name", has_text="Contact centre"))
    badge = lane.locator(".lane-role-name")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("Role…")
    box = lane.locator(".lane-role select").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box  # a finger's target over the badge
    phone.get_by_label("Role of the Contact centre lane in the service blueprint").select_option(label="Frontstage")
    expect(badge).to_have_text("frontstage", ignore_case=True, timeout=LIVE)
    RESULTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(RESULTS / "lane-role-phone-390.png"))
    assert not serious_violations(phone)

    projector = open_page(browser, live_daphne, "bram", f"/j/{journey.pk}/workshop/projector/", width=1920, height=1080)
    shown = projector.locator("#board-map .lane", has=projector.locator(".lane-name", has_text="Contact centre"))
    expect(shown.locator(".lane-role-name")).to_be_visible()
    expect(shown.locator(".lane-role-name")).to_have_text("frontstage", ignore_case=True)
    expect(shown.locator(".lane-role select")).to_be_hidden()  # read-only on the wall
    other = projector.locator("#board-map .lane", has=projector.locator(".lane-name", has_text="Customer"))
    expect(other.locator(".lane-role-name")).to_be_hidden()  # no role yet: nothing to read
    projector.screenshot(path=str(RESULTS / "lane-role-projector-1920.png"))
