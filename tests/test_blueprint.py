"""Lane roles and the service blueprint: the lines follow the roles and the lane order; insights read the customer's
side of the process."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from boards.insights_panel import panel_context
from boards.svg_export import journey_svg
from journeys import blueprint, graph, services
from journeys.blueprint import BACKSTAGE, CUSTOMER, FRONTSTAGE, SUPPORT, Line
from journeys.models import Event, Lane
from journeys.undo import change_redo, change_undo
from tests.factories import link, make_department, make_journey, make_step, make_user

SVG = "{http://www.w3.org/2000/svg}"

# Pure: where the lines lie ----------------------------------------------------------------------------------------


def test_in_blueprint_order_each_line_lies_once_between_its_two_roles():
    roles = [CUSTOMER, FRONTSTAGE, FRONTSTAGE, BACKSTAGE, SUPPORT]
    assert blueprint.lines(roles) == (Line("interaction", 1), Line("visibility", 3), Line("internal", 4))
    assert blueprint.in_blueprint_order(roles)


def test_without_a_frontstage_lane_interaction_and_visibility_share_one_boundary():
    assert blueprint.lines([CUSTOMER, BACKSTAGE]) == (Line("interaction", 1), Line("visibility", 1))


def test_lanes_without_a_role_are_skipped_and_the_line_lies_above_the_next_role():
    assert blueprint.lines([CUSTOMER, "", FRONTSTAGE, None]) == (Line("interaction", 2),)
    assert blueprint.lines(["", "", ""]) == ()
    assert blueprint.lines([]) == ()


def test_a_lane_out_of_order_makes_its_lines_appear_twice_and_is_reported():
    roles = [CUSTOMER, BACKSTAGE, FRONTSTAGE]
    assert blueprint.lines(roles) == (Line("interaction", 1), Line("visibility", 1), Line("visibility", 2))
    assert not blueprint.in_blueprint_order(roles)


def small_graph() -> graph.nx.DiGraph:
    # lanes: 1 customer, 2 frontstage, 3 backstage, 4 support, 5 without a role
    steps = [graph.StepNode(10 + lane, lane, lane) for lane in (1, 2, 3, 4, 5)] + [graph.StepNode(21, 1, 6)]
    handoffs = [
        graph.HandoffEdge(1, 11, 12),  # customer -> frontstage: visible
        graph.HandoffEdge(2, 12, 13),  # frontstage -> backstage: crosses the line of visibility
        graph.HandoffEdge(3, 13, 14),  # backstage -> support: out of sight
        graph.HandoffEdge(4, 14, 21),  # support -> customer: crosses it
        graph.HandoffEdge(5, 21, 15),  # customer -> a lane without a role: nothing known
    ]
    return graph.journey_graph(steps, handoffs)


ROLES = {1: CUSTOMER, 2: FRONTSTAGE, 3: BACKSTAGE, 4: SUPPORT}


def test_hand_offs_across_the_line_of_visibility():
    assert [c.handoff for c in blueprint.visibility_crossings(small_graph(), ROLES)] == [2, 4]


def test_customer_steps_with_no_frontstage_answer():
    assert blueprint.unanswered_customer_steps(small_graph(), ROLES) == (21,)
    assert blueprint.unanswered_customer_steps(small_graph(), {}) == ()


# Through the one write path -----------------------------------------------------------------------------------------


@pytest.fixture
def board(db):
    journey = make_journey(title="I am moving")
    customer, contact, policy, it = (make_department(n) for n in ("Customer", "Contact centre", "Policy", "IT"))
    form = make_step(journey, "Fills in the web form", customer)
    rekey = make_step(journey, "Re-keys the address", contact)
    recalc = make_step(journey, "Recalculates the premium", policy)
    status = make_step(journey, "Status screen", it)
    link(journey, form, rekey)
    link(journey, rekey, recalc)
    link(journey, recalc, status)
    return journey, {"customer": customer, "contact": contact, "policy": policy, "it": it}


def set_roles(journey, departments, **roles):
    for name, role in roles.items():
        services.lane_role_set(journey=journey, department=departments[name], role=role, actor=journey.created_by)


def boundaries(journey) -> dict[str, list[int]]:
    from journeys.selectors import board_data

    found: dict[str, list[int]] = {}
    for line in board_data(journey).blueprint_lines:
        found.setdefault(line.kind, []).append(line.boundary)
    return found


def test_setting_roles_draws_the_lines_between_the_lanes(board):
    journey, depts = board
    set_roles(journey, depts, customer=CUSTOMER, contact=FRONTSTAGE, policy=BACKSTAGE, it=SUPPORT)
    assert boundaries(journey) == {"interaction": [1], "visibility": [2], "internal": [3]}


def test_lines_follow_a_lane_that_is_moved(board):
    journey, depts = board
    set_roles(journey, depts, customer=CUSTOMER, contact=FRONTSTAGE, policy=BACKSTAGE, it=SUPPORT)
    services.lane_move(journey=journey, department=depts["it"], offset=-2, actor=journey.created_by)
    # Customer, IT (support), Contact centre (frontstage), Policy (backstage): out of order
    assert boundaries(journey) == {"interaction": [1], "visibility": [1, 2, 3], "internal": [1, 2]}
    services.lane_move(journey=journey, department=depts["it"], offset=2, actor=journey.created_by)
    assert boundaries(journey) == {"interaction": [1], "visibility": [2], "internal": [3]}


def test_changing_a_role_moves_the_line(board):
    journey, depts = board
    set_roles(journey, depts, customer=CUSTOMER, contact=FRONTSTAGE, policy=BACKSTAGE, it=SUPPORT)
    set_roles(journey, depts, policy=FRONTSTAGE)  # policy now talks to the customer too
    assert boundaries(journey) == {"interaction": [1], "visibility": [3], "internal": [3]}


def test_a_role_change_is_one_event_that_redraws_the_map_and_can_be_undone_and_redone(board):
    journey, depts = board
    set_roles(journey, depts, contact=FRONTSTAGE)
    event = Event.objects.filter(journey=journey).latest("seq")
    assert event.kind == "lane.role_set" and event.targets == {"layout": True}
    lane = Lane.objects.get(journey=journey, department=depts["contact"])

    change_undo(journey=journey, actor=journey.created_by)
    lane.refresh_from_db()
    assert lane.role == ""
    change_redo(journey=journey, actor=journey.created_by)
    lane.refresh_from_db()
    assert lane.role == FRONTSTAGE


def test_an_unknown_role_or_a_department_without_a_lane_changes_nothing(board):
    from django.core.exceptions import ValidationError

    journey, depts = board
    seq = journey.seq
    with pytest.raises(ValidationError):
        set_roles(journey, depts, contact="audience")
    with pytest.raises(ValidationError):
        services.lane_role_set(
            journey=journey, department=make_department("Legal"), role=SUPPORT, actor=journey.created_by
        )
    journey.refresh_from_db()
    assert journey.seq == seq and not Lane.objects.filter(journey=journey).exclude(role="").exists()


def test_insights_count_visibility_crossings_and_unanswered_customer_steps(board):
    journey, depts = board
    context = panel_context(journey)
    assert not context["blueprint"]["has_roles"]
    set_roles(journey, depts, customer=CUSTOMER, contact=BACKSTAGE, policy=BACKSTAGE, it=SUPPORT)
    found = panel_context(journey)["blueprint"]
    assert found["visibility_crossing_count"] == 1  # the web form lands straight in the back office
    assert [s.title for s in found["unanswered_list"]] == ["Fills in the web form"]
    set_roles(journey, depts, contact=FRONTSTAGE)
    found = panel_context(journey)["blueprint"]
    assert found["visibility_crossing_count"] == 1  # now contact centre -> policy
    assert found["unanswered_list"] == []


# Pages ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def member_client(board, settings) -> Client:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client()
    client.force_login(board[0].created_by)
    return client


def post_role(client: Client, journey, department, role: str):
    url = reverse("lane_role_set", args=[journey.pk])
    return client.post(url, {"department": department.pk, "role": role}, headers={"HX-Request": "true"})


def test_choosing_a_role_on_the_board_answers_with_the_map_and_its_lines(board, member_client):
    journey, depts = board
    post_role(member_client, journey, depts["customer"], CUSTOMER)
    response = post_role(member_client, journey, depts["contact"], FRONTSTAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="blueprint-line line-interaction"' in html and 'data-boundary="1"' in html
    assert "Line of interaction" in html
    page = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    assert 'data-lines="interaction"' in page and "The customer's view" in page


def test_a_bad_role_is_refused_in_words_and_strangers_get_404(board, member_client):
    journey, depts = board
    response = post_role(member_client, journey, depts["contact"], "audience")
    assert response.status_code == 422 and "Choose customer" in response.content.decode()
    stranger = Client()
    stranger.force_login(make_user())
    assert post_role(stranger, journey, depts["contact"], CUSTOMER).status_code == 404
    assert not Lane.objects.filter(journey=journey).exclude(role="").exists()


def test_the_lines_are_in_the_svg_export_and_on_the_projector(board, member_client):
    journey, depts = board
    set_roles(journey, depts, customer=CUSTOMER, contact=FRONTSTAGE, policy=BACKSTAGE, it=SUPPORT)
    root = ET.fromstring(journey_svg(journey).encode())
    lines = root.findall(f".//{SVG}g[@class='blueprint-line']")
    # The picture may wrap into parts; a line a part ends on shows again where the next part starts.
    assert list(dict.fromkeys(g.get("data-lines") for g in lines)) == ["interaction", "visibility", "internal"]
    assert "Line of visibility" in "".join(root.itertext())
    projector = member_client.get(reverse("workshop_projector", args=[journey.pk])).content.decode()
    assert projector.count('class="blueprint-line line-') == 3


def test_a_journey_file_keeps_the_roles_and_refuses_an_unknown_one(board):
    from django.core.exceptions import ValidationError

    from exchange.services import journey_export, journey_import

    journey, depts = board
    set_roles(journey, depts, customer=CUSTOMER, contact=FRONTSTAGE)
    data = journey_export(journey)
    assert data["lane_roles"] == {"Customer": CUSTOMER, "Contact centre": FRONTSTAGE}
    copy = journey_import(data=data, actor=journey.created_by)
    assert boundaries(copy) == {"interaction": [1]}
    data["lane_roles"] = {"Contact centre": "audience", "Legal": SUPPORT}
    with pytest.raises(ValidationError) as refused:
        journey_import(data=data, actor=journey.created_by)
    assert len(refused.value.messages) == 2
    del data["lane_roles"]  # a file from before lane roles
    assert boundaries(journey_import(data=data, actor=journey.created_by)) == {}
