"""Failure demand and flow on the board: the insights panel's section, the pushes, and the flow view page."""

from __future__ import annotations

import pytest
from django.test import Client

from boards.insights_panel import render_panel
from journeys import services
from journeys.services import RouteFigures
from live import fragments
from tests.factories import link, make_department, make_journey, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def moving():
    """The letter goes to the old address; a quarter of the customers call and the address is keyed in again."""
    customer, contact, policy = (
        make_department("Customer"),
        make_department("Contact centre"),
        make_department("Policy"),
    )
    journey = make_journey(title="I am moving")
    form = make_step(journey, "Fills in the form", customer, duration_minutes=10)
    rekey = make_step(journey, "Re-keys the address", contact, duration_minutes=20)
    letter = make_step(journey, "Posts the letter", policy, duration_minutes=30)
    calls = make_step(journey, "Calls: did you get it?", customer, duration_minutes=10)
    done = make_step(journey, "Receives confirmation", customer)
    link(journey, form, rekey)
    link(journey, rekey, letter)
    posted = link(journey, letter, calls)
    back, onwards = link(journey, calls, rekey), link(journey, calls, done)
    actor = journey.created_by
    services.step_routes_update(step=letter, actor=actor, routes=[RouteFigures(posted.pk, 2880, None, 60)])
    services.step_routes_update(
        step=calls, actor=actor, routes=[RouteFigures(back.pk, 30, 25), RouteFigures(onwards.pk, 0, 75)]
    )
    return journey, {"form": form, "rekey": rekey, "letter": letter, "calls": calls, "done": done, "back": back}


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_panel_shows_contacts_per_question_failure_demand_and_the_main_route(moving):
    journey, steps = moving

    html = render_panel(journey, oob=False)

    section = html.split('id="insight-flow"')[1].split("</section>")[0]
    assert "Contacts per customer question</dt><dd>1.33</dd>" in section
    assert "Failure demand (repeats among all contacts)</dt><dd>25%</dd>" in section
    assert "5 steps, taken by 75% of questions" in section
    route = [steps[name].pk for name in ("form", "rekey", "letter", "calls", "done")]
    assert f'data-steps="{" ".join(map(str, route))}"' in section
    assert "What do these figures mean?" in section
    assert f'href="/j/{journey.pk}/flow/"' in section


def test_the_repeat_contact_after_the_letter_counts_for_the_department_that_posted_it(moving):
    journey, _steps = moving

    section = render_panel(journey, oob=False).split('id="insight-flow"')[1].split("</section>")[0]

    departments = section.split("Where the system fails the customer")[1]
    policy = departments.split("</li>")[0]
    assert ">Policy</button>" in policy and "0.33 repeat contacts" in policy
    assert ">Customer</button>" not in departments  # the customer's own half hour before calling is not the system's


def test_a_loop_that_can_never_be_left_is_named_with_its_steps_not_an_endless_number(moving):
    journey, steps = moving
    calls = steps["calls"]
    routes = [RouteFigures(steps["back"].pk, share_percent=100), RouteFigures(steps["back"].pk + 1, share_percent=0)]
    services.step_routes_update(step=calls, actor=journey.created_by, routes=routes)

    section = render_panel(journey, oob=False).split('id="insight-flow"')[1].split("</section>")[0]

    assert "3 steps in a loop that can never be left" in section
    assert "Contacts per customer question</dt><dd>–</dd>" in section


def test_a_step_whose_shares_no_longer_add_up_is_listed_to_check(moving):
    journey, steps = moving
    link(journey, steps["calls"], make_step(journey, "Gives up", steps["calls"].department))

    section = render_panel(journey, oob=False).split('id="insight-flow"')[1].split("</section>")[0]

    assert "Shares to check" in section
    assert f'data-insight="shares-{steps["calls"].pk}"' in section


def test_saving_routes_pushes_the_drawer_part_and_a_fresh_panel(moving):
    journey, steps = moving
    calls = steps["calls"]

    html = fragments.render_changes(journey, {"step": calls.pk})

    assert f'id="step-{calls.pk}-routes" class="routes" hx-swap-oob="true"' in html
    assert "25% of cases" in html and "waits 30 min" in html
    assert 'id="insight-flow"' in html


def test_the_flow_view_draws_the_main_route_with_a_table_behind_it(moving):
    journey, steps = moving

    response = client_for(journey.created_by).get(f"/j/{journey.pk}/flow/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img" aria-labelledby="flow-chart-title flow-chart-desc"' in html
    assert html.count('class="work"') == 5 and html.count('class="wait"') == 1  # only the letter's two days wait
    table = html.split('id="flow-route-table"')[1].split("</table>")[0]
    assert "Posts the letter" in table and "2 d 1 h" in table  # 10 + 20 + 30 min of work, then two days of post
    assert "Calls: did you get it?" in html.split('id="flow-loop-table"')[1]


def test_the_flow_view_is_dutch_for_a_dutch_browser(moving):
    journey, _steps = moving

    html = client_for(journey.created_by, "nl").get(f"/j/{journey.pk}/flow/").content.decode()

    assert "Doorstroomoverzicht" in html and "Contacten per klantvraag" in html and "1,33" in html


def test_the_flow_view_of_an_empty_journey_says_so(client):
    journey = make_journey()

    html = client_for(journey.created_by).get(f"/j/{journey.pk}/flow/").content.decode()

    assert "Insights appear here as the journey takes shape." in html


def test_the_flow_view_is_404_for_someone_off_the_journey(moving):
    journey, _steps = moving

    assert client_for(make_user()).get(f"/j/{journey.pk}/flow/").status_code == 404
