"""The insights panel on the board: the first page and the follow-up pushed behind every change carry it (the answer
to whoever made the change does not wait for it)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from boards.insights_panel import render_panel
from journeys.models import Event
from live import broadcast, fragments
from tests.factories import PASSWORD, link, make_department, make_journey, make_pain_point, make_step, make_user

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def test_board_page_shows_the_insights_panel_with_the_loop_and_crossings(client):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    journey = make_journey()
    form = make_step(journey, "Fills in the form", customer)
    mailbox = make_step(journey, "Form lands in the mailbox", contact)
    calls = make_step(journey, "Calls: did you get it?", customer)
    link(journey, form, mailbox)
    link(journey, mailbox, calls)
    back = link(journey, calls, mailbox)
    response = logged_in(client, journey.created_by).get(f"/j/{journey.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="insights-panel"' in html
    assert "3 of 3 hand-offs cross a lane" in html
    loop = f'data-steps="{mailbox.pk} {calls.pk}"'
    assert loop in html
    assert str(back.pk) in html.split(loop)[1].split(">")[0]  # the loop's hand-offs include the one back
    assert "boards/insights.js" in html


def test_empty_board_shows_the_panel_with_a_hint(client):
    journey = make_journey()
    html = logged_in(client, journey.created_by).get(f"/j/{journey.pk}/").content.decode()
    assert "Insights appear here as the journey takes shape." in html


def test_every_change_pushes_a_fresh_panel_out_of_band_behind_its_answer(client):
    it = make_department("IT")
    journey = make_journey()
    step = make_step(journey, "Agent cannot see the status", it)
    response = logged_in(client, journey.created_by).post(
        f"/j/{journey.pk}/steps/{step.pk}/pain-points/add/",
        {"text": "Status invisible", "severity": "high", "responsible_departments": [it.pk]},
    )
    assert response.status_code == 200
    assert 'id="insights-panel"' not in response.content.decode()
    event = Event.objects.get(journey=journey, seq=int(response["X-Journey-Event-Seq"]))
    html = broadcast.follow_up_frames(event, "en", ["board"])["board"]
    assert 'id="insights-panel"' in html and 'hx-swap-oob="morph"' in html.split('id="insights-panel"')[1][:400]
    assert f'data-heat="{step.pk}:3"' in html
    assert f'data-insight="pain-dept-{it.pk}"' in html


def test_pushed_panel_never_holds_a_csrf_token_or_the_viewer():
    viewer = make_user("onlooker-name")
    journey = make_journey(members=[viewer])
    step = make_step(journey, "Customer fills in the form")
    make_pain_point(step, [make_department()])
    html = fragments.render_changes(journey, {"step": step.pk})
    assert "insights-panel" in html
    assert "csrfmiddlewaretoken" not in html and "onlooker-name" not in html


def test_unreachable_and_departmentless_steps_are_listed(client):
    customer = make_department("Customer")
    journey = make_journey()
    first = make_step(journey, "Looks on the website", customer)
    make_step(journey, "Somebody prints it", None)
    html = logged_in(client, journey.created_by).get(f"/j/{journey.pk}/").content.decode()
    assert "1 unreachable step" in html
    assert "1 step without a department" in html
    # The first customer step hands off to nobody: it is its own resolution, a route of one step.
    assert f'data-insight="longest-steps" data-steps="{first.pk}" data-handoffs=""' in html


@pytest.mark.browser
def test_clicking_a_loop_highlights_its_steps_and_hand_offs_on_the_board(live_daphne, page):
    customer, contact = make_department("Customer"), make_department("Contact centre")
    journey = make_journey()
    form = make_step(journey, "Fills in the form", customer)
    mailbox = make_step(journey, "Form lands in the mailbox", contact)
    calls = make_step(journey, "Calls: did you get it?", customer)
    link(journey, form, mailbox)
    forward, back = link(journey, mailbox, calls), link(journey, calls, mailbox)
    make_pain_point(mailbox, [contact], severity="high")
    page.goto(f"{live_daphne}/login/")
    page.fill("input[name=username]", journey.created_by.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    expect(page.locator(f"#step-{mailbox.pk}")).to_have_attribute("data-heat", "3")  # its open pain point
    expect(page.locator("[data-heat]")).to_have_count(2)  # the card and the panel that carries the levels
    page.click(f'[data-insight="loop-{mailbox.pk}-{calls.pk}"]')
    expect(page.locator(".step-card.highlight")).to_have_count(2)
    expect(page.locator(f"#step-{form.pk}")).not_to_have_class(re.compile("highlight"))
    expect(page.locator(f"#handoff-{forward.pk}")).to_have_class(re.compile("highlight"))
    expect(page.locator(f"#handoff-{back.pk}")).to_have_class(re.compile("highlight"))
    page.click(f'[data-insight="loop-{mailbox.pk}-{calls.pk}"]')  # a second click clears it
    expect(page.locator(".step-card.highlight")).to_have_count(0)


def test_panel_takes_the_same_number_of_queries_whatever_the_board_size():
    def queries_for(step_count: int) -> int:
        department = make_department()
        journey = make_journey()
        steps = [make_step(journey, f"Step {n}", department) for n in range(step_count)]
        for source, target in zip(steps, steps[1:], strict=False):
            link(journey, source, target)
        for step in steps[::2]:
            make_pain_point(step, [department])
        with CaptureQueriesContext(connection) as captured:
            render_panel(journey, oob=True)
        return len(captured)

    assert queries_for(3) == queries_for(30)
