"""The routes of a step: waiting time, share of cases and % complete and accurate, their checks and where they show."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from journeys import services, undo
from journeys.models import Event, Handoff
from journeys.services import RouteFigures
from live import broadcast
from live.broadcast import change_summary
from tests.factories import link, make_department, make_journey, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def branching():
    """A customer calls; the contact centre answers most calls itself, and passes some to policy administration."""
    customer, contact, policy = (
        make_department("Customer"),
        make_department("Contact centre"),
        make_department("Policy"),
    )
    journey = make_journey()
    calls = make_step(journey, "Customer calls", customer, duration_minutes=5)
    answers = make_step(journey, "Agent answers", contact, duration_minutes=10)
    passes = make_step(journey, "Policy changes the policy", policy, duration_minutes=30)
    to_answer, to_policy = link(journey, calls, answers), link(journey, calls, passes)
    return journey, calls, to_answer, to_policy


def logged_in(client, user):
    client.force_login(user)
    return client


def routes_url(journey, step) -> str:
    return f"/j/{journey.pk}/steps/{step.pk}/routes/"


def post_routes(client, journey, step, rows: dict) -> object:
    """rows: hand-off -> (wait, unit, share, ca), as typed."""
    data = {}
    for handoff, (wait, unit, share, ca) in rows.items():
        handoff.refresh_from_db()
        data |= {
            f"wait_{handoff.pk}": wait,
            f"unit_{handoff.pk}": unit,
            f"share_{handoff.pk}": share,
            f"ca_{handoff.pk}": ca,
            f"version_{handoff.pk}": handoff.version,
        }
    return client.post(routes_url(journey, step), data)


def test_the_routes_of_a_step_are_saved_as_one_change(branching):
    journey, calls, to_answer, to_policy = branching
    seq = journey.seq

    services.step_routes_update(
        step=calls,
        actor=journey.created_by,
        routes=[RouteFigures(to_answer.pk, 0, 70, 95, base_version=1), RouteFigures(to_policy.pk, 2880, 30, 60)],
    )

    to_answer.refresh_from_db()
    to_policy.refresh_from_db()
    assert (to_answer.wait_minutes, to_answer.share_percent, to_answer.complete_accurate_percent) == (0, 70, 95)
    assert (to_policy.wait_minutes, to_policy.share_percent, to_policy.complete_accurate_percent) == (2880, 30, 60)
    assert to_answer.version == to_policy.version == 2
    event = Event.objects.get(journey=journey, seq=seq + 1)
    assert event.kind == "handoff.routes_updated" and event.targets == {"step": calls.pk}
    assert change_summary(event).endswith("changed a hand-off")  # what a screen reader hears on the other boards


def test_shares_that_do_not_add_up_to_100_are_refused_with_their_total(branching):
    journey, calls, to_answer, to_policy = branching

    with pytest.raises(ValidationError, match="add up to 90%; make them add up to 100%"):
        services.step_routes_update(
            step=calls,
            actor=journey.created_by,
            routes=[RouteFigures(to_answer.pk, share_percent=70), RouteFigures(to_policy.pk, share_percent=20)],
        )

    assert not Handoff.objects.exclude(share_percent=None).exists()


def test_shares_that_leave_nothing_for_a_route_without_one_are_refused(branching):
    journey, calls, to_answer, _to_policy = branching

    with pytest.raises(ValidationError, match="leaves nothing for the routes without a share"):
        services.step_routes_update(
            step=calls, actor=journey.created_by, routes=[RouteFigures(to_answer.pk, share_percent=100)]
        )


def test_a_route_left_without_a_share_takes_what_the_others_leave(branching, client):
    journey, calls, to_answer, to_policy = branching

    response = post_routes(
        logged_in(client, journey.created_by),
        journey,
        calls,
        {to_answer: ("", "minutes", "80", ""), to_policy: ("", "minutes", "", "")},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "80% of cases" in html and "20% of cases (assumed)" in html


def test_a_waiting_time_is_typed_in_minutes_hours_or_days_and_kept_in_minutes(branching, client):
    journey, calls, to_answer, to_policy = branching

    response = post_routes(
        logged_in(client, journey.created_by),
        journey,
        calls,
        {to_answer: ("1,5", "days", "70", "95 %"), to_policy: ("2", "hours", "30", "")},
    )

    assert response.status_code == 200
    to_answer.refresh_from_db()
    to_policy.refresh_from_db()
    assert (to_answer.wait_minutes, to_answer.complete_accurate_percent) == (2160, 95)
    assert to_policy.wait_minutes == 120 and to_policy.complete_accurate_percent is None
    html = response.content.decode()
    assert f'id="step-{calls.pk}-routes"' in html and "waits 1 d 12 h" in html and "95% complete and accurate" in html
    event = Event.objects.get(journey=journey, seq=int(response["X-Journey-Event-Seq"]))
    assert 'id="insights-panel"' in broadcast.follow_up_frames(event, "en", ["board"])["board"]  # pushed behind it


def test_the_editor_shows_the_stored_minutes_in_the_largest_whole_unit(branching, client):
    journey, calls, to_answer, to_policy = branching
    services.step_routes_update(
        step=calls, actor=journey.created_by, routes=[RouteFigures(to_answer.pk, 2880), RouteFigures(to_policy.pk, 90)]
    )

    html = logged_in(client, journey.created_by).get(routes_url(journey, calls)).content.decode()

    assert f'id="route-{to_answer.pk}-wait" value="2"' in html
    assert f'id="route-{to_policy.pk}-wait" value="90"' in html
    answer_units = html.split(f'id="route-{to_answer.pk}-unit"')[1].split("</select>")[0]
    assert '<option value="days" selected>' in answer_units


def test_text_that_is_no_number_saves_nothing_and_says_why_next_to_the_field(branching, client):
    journey, calls, to_answer, to_policy = branching

    response = post_routes(
        logged_in(client, journey.created_by),
        journey,
        calls,
        {to_answer: ("two", "days", "70", "101"), to_policy: ("", "minutes", "30", "")},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter the waiting time as a number, e.g. 2 or 1,5." in html
    assert "Enter a whole percentage from 0 to 100, e.g. 70." in html
    assert f'aria-describedby="route-{to_answer.pk}-wait-error"' in html
    assert not Handoff.objects.exclude(wait_minutes=None).exists()


def test_a_year_and_a_day_of_waiting_is_taken_for_a_typo(branching, client):
    journey, calls, to_answer, to_policy = branching

    response = post_routes(
        logged_in(client, journey.created_by),
        journey,
        calls,
        {to_answer: ("366", "days", "", ""), to_policy: ("", "minutes", "", "")},
    )

    assert response.status_code == 422
    assert "more than 365 days is surely a typo" in response.content.decode()


def test_shares_that_do_not_add_up_answer_422_and_mark_the_share_fields(branching, client):
    journey, calls, to_answer, to_policy = branching

    response = post_routes(
        logged_in(client, journey.created_by),
        journey,
        calls,
        {to_answer: ("", "minutes", "70", ""), to_policy: ("", "minutes", "40", "")},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "add up to 110%; make them add up to 100%." in html
    share_field = f'id="route-{to_policy.pk}-share" value="40" aria-invalid="true"'
    assert f'{share_field} aria-describedby="step-{calls.pk}-routes-problems"' in html


def test_a_stale_routes_edit_is_refused_with_409(branching, client):
    journey, calls, to_answer, to_policy = branching
    services.step_routes_update(step=calls, actor=journey.created_by, routes=[RouteFigures(to_answer.pk, 60)])
    data = {f"wait_{to_answer.pk}": "5", f"unit_{to_answer.pk}": "minutes", f"version_{to_answer.pk}": "1"}

    response = logged_in(client, journey.created_by).post(routes_url(journey, calls), data)

    assert response.status_code == 409, response.content.decode()
    to_answer.refresh_from_db()
    assert to_answer.wait_minutes == 60


def test_a_route_removed_while_the_editor_was_open_is_named_and_nothing_saved(branching, client):
    journey, calls, to_answer, to_policy = branching
    data = {
        f"wait_{to_answer.pk}": "5",
        f"unit_{to_answer.pk}": "minutes",
        f"version_{to_answer.pk}": "1",
        f"wait_{to_policy.pk}": "5",
        f"unit_{to_policy.pk}": "minutes",
        f"version_{to_policy.pk}": "1",
    }
    services.handoff_delete(handoff=to_policy, actor=journey.created_by, base_version=None)

    response = logged_in(client, journey.created_by).post(routes_url(journey, calls), data)

    assert response.status_code == 422
    assert "A route of this step was removed meanwhile" in response.content.decode()
    to_answer.refresh_from_db()
    assert to_answer.wait_minutes is None


def test_a_participant_may_edit_routes_and_an_outsider_gets_404(branching, client):
    journey, calls, to_answer, _to_policy = branching
    outsider = make_user()

    assert logged_in(client, outsider).get(routes_url(journey, calls)).status_code == 404


def test_undo_puts_the_routes_figures_back(branching):
    journey, calls, to_answer, to_policy = branching
    actor = journey.created_by
    services.step_routes_update(
        step=calls, actor=actor, routes=[RouteFigures(to_answer.pk, 30, 60), RouteFigures(to_policy.pk, 90, 40)]
    )

    undo.change_undo(journey=journey, actor=actor)

    to_answer.refresh_from_db()
    assert (to_answer.wait_minutes, to_answer.share_percent) == (None, None)


def test_the_drawer_lists_the_routes_and_warns_when_a_new_route_leaves_no_share(branching, client):
    journey, calls, to_answer, to_policy = branching
    services.step_routes_update(
        step=calls,
        actor=journey.created_by,
        routes=[RouteFigures(to_answer.pk, share_percent=70), RouteFigures(to_policy.pk, share_percent=30)],
    )
    extra = make_step(journey, "Customer gives up", journey.lanes.first().department)
    link(journey, calls, extra)

    html = logged_in(client, journey.created_by).get(f"/j/{journey.pk}/steps/{calls.pk}/").content.decode()

    assert f'id="step-{calls.pk}-routes"' in html
    assert "The shares filled in add up to 100%, which leaves nothing for the routes without a share." in html
    assert f'id="step-{calls.pk}-routes-editor"' in html
