"""The owners' pages over HTTP: permissions, refusals, the owners' list and its CSV export, constant query counts."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from journeys.models import Membership, PainPoint
from live import fragments
from painpoints import services as lifecycle
from tests.factories import (
    make_department,
    make_journey,
    make_manager,
    make_owners_world,
    make_pain_point,
    make_step,
)

pytestmark = pytest.mark.django_db

Status = PainPoint.Status
NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def world() -> dict[str, Any]:
    return make_owners_world()


def page_url(pain_point: PainPoint) -> str:
    return reverse("pain_point_page", args=[pain_point.journey_id, pain_point.pk])


def act_url(pain_point: PainPoint, action: str) -> str:
    return reverse("pain_point_act", args=[pain_point.journey_id, pain_point.pk, action])


def fresh(pain_point: PainPoint) -> PainPoint:
    return PainPoint.objects.get(pk=pain_point.pk)


def as_user(client, user):
    client.force_login(user)
    return client


VALID_POSTS = {
    "pick_up": {},
    "hand_over": {"to_user": "ivo"},
    "give_back": {"reason": ""},
    "plan_fix": {"fix_description": "Status page", "target_date": NEXT_WEEK.isoformat()},
    "solve": {"resolution": "Status page added"},
    "wont_fix": {"reason": "System replaced next year"},
    "reopen": {"reason": "Customers still call"},
    "comment": {"text": "Seen it today"},
}


def post_data(world: dict[str, Any], action: str, version: int) -> dict[str, Any]:
    data = dict(VALID_POSTS[action], base_version=version)
    if "to_user" in data:
        data["to_user"] = world[data["to_user"]].pk
    return data


# One pain point's page --------------------------------------------------------------------------------------------


def test_owner_picks_up_plans_and_solves_through_the_page(client, world):
    pain_point = world["pain_point"]
    as_user(client, world["carla"])

    response = client.post(act_url(pain_point, "pick_up"), {"base_version": pain_point.version})
    assert response.status_code == 302 and response["Location"] == page_url(pain_point)
    client.post(act_url(pain_point, "plan_fix"), post_data(world, "plan_fix", fresh(pain_point).version))
    client.post(act_url(pain_point, "solve"), post_data(world, "solve", fresh(pain_point).version))

    solved = fresh(pain_point)
    assert (solved.status, solved.owner, solved.target_date) == (Status.SOLVED, world["carla"], NEXT_WEEK)
    page = client.get(page_url(pain_point)).content.decode()
    assert "Marked solved." in page
    for words in ("picked up", "fix planned", "solved", "Status page added", "Carla Bakker"):
        assert words in page


def test_the_timeline_shows_a_planned_fix_s_target_date_as_the_page_shows_dates(client, world):
    pain_point = world["pain_point"]
    as_user(client, world["carla"]).post(act_url(pain_point, "pick_up"), {"base_version": pain_point.version})
    client.post(act_url(pain_point, "plan_fix"), post_data(world, "plan_fix", fresh(pain_point).version))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    timeline = client.get(page_url(pain_point)).content.decode().split('class="timeline"', 1)[1].split("</ol>")[0]

    with translation.override("nl"):  # the page's own date format, in Dutch: "1 dec 2026"
        shown = formats.date_format(NEXT_WEEK, translation.gettext("j M Y"))
    assert f'<time datetime="{NEXT_WEEK.isoformat()}">{shown}</time> · Status page' in timeline
    assert NEXT_WEEK.isoformat() + " ·" not in timeline


@pytest.mark.parametrize("action", sorted(lifecycle.OWNER_ACTIONS))
def test_someone_from_another_department_gets_403_with_a_clear_message_and_nothing_changes(client, world, action):
    status = Status.SOLVED if action == "reopen" else Status.IN_PROGRESS
    PainPoint.objects.filter(pk=world["pain_point"].pk).update(status=status, owner=world["carla"])
    before = fresh(world["pain_point"])

    response = as_user(client, world["dirk"]).post(act_url(before, action), post_data(world, action, before.version))

    assert response.status_code == 403
    assert "Only members of IT or the journey&#x27;s facilitator" in response.content.decode()
    after = fresh(before)
    assert (after.status, after.owner_id, after.version) == (before.status, before.owner_id, before.version)


def test_non_member_gets_404_for_every_pain_point_url(client, world):
    pain_point = world["pain_point"]
    as_user(client, world["outsider"])  # in the responsible department, but not on the journey
    assert client.get(page_url(pain_point)).status_code == 404
    for action in lifecycle.TRANSITIONS:
        assert client.post(act_url(pain_point, action), post_data(world, action, 1)).status_code == 404
    assert fresh(pain_point).status == Status.OPEN
    assert pain_point.text not in client.get(reverse("my_pain_points")).content.decode()
    assert pain_point.text not in client.get(reverse("my_pain_points_csv")).content.decode("utf-8-sig")


def test_anonymous_visitor_is_sent_to_log_in(client, world):
    urls = (page_url(world["pain_point"]), *(reverse(name) for name in ("my_pain_points", "my_pain_points_csv")))
    for url in (*urls, reverse("my_pain_points_rows")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_manager_off_the_journey_reads_the_pain_point_page_but_cannot_change_it(client, world):
    pain_point = world["pain_point"]
    manager = make_manager("eva", departments=[world["it"]])  # even in the responsible department
    as_user(client, manager)

    response = client.get(page_url(pain_point))

    assert response.status_code == 200
    html = response.content.decode()
    assert pain_point.text in html and f'id="pain-point-{pain_point.pk}-timeline"' in html
    assert "You are not on this journey" in html
    assert "/do/" not in html  # no action form, not even a comment
    assert f'href="{reverse("board", args=[pain_point.journey_id])}"' not in html  # the board is 404 for them
    for action in lifecycle.TRANSITIONS:
        assert client.post(act_url(pain_point, action), post_data(world, action, 1)).status_code == 404
    assert fresh(pain_point).status == Status.OPEN and not pain_point.activities.filter(kind="commented").exists()


def test_manager_on_the_journey_keeps_the_rights_of_their_department(client, world):
    manager = make_manager("eva", departments=[world["finance"]])
    Membership.objects.create(journey=world["journey"], user=manager)
    html = as_user(client, manager).get(page_url(world["pain_point"])).content.decode()
    assert "You are not on this journey" not in html
    assert "pick_up" not in html and "/do/comment/" in html  # Finance may not pick up an IT pain point


def test_non_manager_off_the_journey_still_gets_404_on_the_pain_point_page(client, world):
    other = make_pain_point(make_step(make_journey(title="Not hers"), "Calls to cancel"), [world["it"]], "Hidden form")
    assert as_user(client, world["carla"]).get(page_url(other)).status_code == 404


def test_late_pick_up_answers_409_and_says_who_has_it(client, world, django_user_model):
    pain_point = world["pain_point"]
    seen = pain_point.version
    as_user(client, world["carla"]).post(act_url(pain_point, "pick_up"), {"base_version": seen})

    response = as_user(client, world["ivo"]).post(act_url(pain_point, "pick_up"), {"base_version": seen})

    assert response.status_code == 409
    assert "Carla Bakker has already picked up this pain point." in response.content.decode()
    assert fresh(pain_point).owner == world["carla"]


def test_stale_change_answers_409_and_saves_nothing(client, world):
    pain_point = world["pain_point"]
    PainPoint.objects.filter(pk=pain_point.pk).update(status=Status.IN_PROGRESS, owner=world["carla"])
    seen = fresh(pain_point).version
    as_user(client, world["ivo"]).post(act_url(pain_point, "plan_fix"), post_data(world, "plan_fix", seen))

    response = as_user(client, world["carla"]).post(
        act_url(pain_point, "solve"), {"resolution": "Mine", "base_version": seen}
    )

    assert response.status_code == 409
    assert "Someone changed this pain point while you were looking" in response.content.decode()
    assert fresh(pain_point).status == Status.IN_PROGRESS


def test_illegal_jump_answers_409_with_the_current_state(client, world):
    response = as_user(client, world["carla"]).post(
        act_url(world["pain_point"], "reopen"), {"reason": "Still bad", "base_version": 1}
    )
    assert response.status_code == 409
    assert "Its state is “open”: it cannot be reopened" in response.content.decode()


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("wont_fix", {"reason": "  "}, "Give the reason it will not be fixed."),
        ("solve", {"resolution": ""}, "Say in a few words how it was solved."),
        ("plan_fix", {"fix_description": "Status page", "target_date": "next week"}, "Give the target date as a date"),
        ("plan_fix", {"fix_description": "Status page", "target_date": YESTERDAY.isoformat()}, "is in the past"),
        ("hand_over", {"to_user": "someone"}, "Choose a colleague from the list."),
        ("comment", {"text": ""}, "Write a comment first."),
    ],
)
def test_bad_input_answers_422_with_the_message_and_changes_nothing(client, world, action, data, message):
    pain_point = world["pain_point"]
    PainPoint.objects.filter(pk=pain_point.pk).update(status=Status.IN_PROGRESS, owner=world["carla"])
    before = fresh(pain_point)

    response = as_user(client, world["carla"]).post(act_url(pain_point, action), {**data, "base_version": 2})

    assert response.status_code == 422
    assert message in response.content.decode()
    after = fresh(pain_point)
    assert (after.status, after.version, after.activities.count()) == (
        before.status,
        before.version,
        before.activities.count(),
    )


def test_unknown_action_and_get_on_an_action_are_refused(client, world):
    as_user(client, world["carla"])
    assert client.post(act_url(world["pain_point"], "teleport"), {}).status_code == 404
    assert client.get(act_url(world["pain_point"], "pick_up")).status_code == 405


def test_a_double_submit_with_the_same_operation_id_is_applied_once(client, world):
    pain_point = world["pain_point"]
    as_user(client, world["dirk"])
    for _attempt in range(2):
        response = client.post(act_url(pain_point, "comment"), {"text": "Same here", "op_id": "double-click-1"})
        assert response.status_code == 302
    assert pain_point.activities.filter(kind="commented").count() == 1


def test_the_page_offers_each_viewer_only_what_they_may_do(client, world):
    pain_point = world["pain_point"]
    carla_page = as_user(client, world["carla"]).get(page_url(pain_point)).content.decode()
    assert act_url(pain_point, "pick_up") in carla_page
    assert act_url(pain_point, "reopen") not in carla_page

    dirk_page = as_user(client, world["dirk"]).get(page_url(pain_point)).content.decode()
    assert act_url(pain_point, "pick_up") not in dirk_page
    assert act_url(pain_point, "comment") in dirk_page
    assert "Only members of IT or the journey" in dirk_page


def test_hand_over_lists_only_colleagues_on_the_journey_in_a_responsible_department(client, world):
    pain_point = world["pain_point"]
    page = as_user(client, world["carla"]).get(page_url(pain_point)).content.decode()
    select = page[page.index('name="to_user"') : page.index("</select>", page.index('name="to_user"'))]
    assert "Ivo Mol" in select and "Anna de Vries" not in select
    assert "Carla Bakker" not in select  # the viewer: handing it to yourself is picking it up
    assert "dirk" not in select and "outsider" not in select


# The board shows the lifecycle ----------------------------------------------------------------------------------


def test_board_card_and_drawer_show_state_owner_target_date_and_overdue(client, world):
    pain_point = world["pain_point"]
    PainPoint.objects.filter(pk=pain_point.pk).update(
        status=Status.IN_PROGRESS, owner=world["carla"], target_date=YESTERDAY
    )
    as_user(client, world["ivo"])
    board = client.get(reverse("board", args=[world["journey"].pk])).content.decode()
    card = board[board.index(f'id="step-{world["step"].pk}"') :]
    card = card[: card.index("</article>")]
    assert "has-overdue" in card and "overdue" in card

    drawer = client.get(reverse("step_detail", args=[world["journey"].pk, world["step"].pk])).content.decode()
    item = drawer[drawer.index(f'id="pain-point-{pain_point.pk}"') :]
    item = item[: item.index("</li>")]
    for words in ("in progress", "owner: Carla Bakker", "overdue", page_url(pain_point)):
        assert words in item


def test_pushed_fragments_carry_no_csrf_token_and_no_viewer(world):
    pain_point = lifecycle.pain_point_pick_up(pain_point=world["pain_point"], actor=world["carla"], base_version=None)
    html = fragments.render_changes(world["journey"], {"step": pain_point.step_id, "pain_point": pain_point.pk})
    assert "csrf" not in html.lower()
    ids = (f"owner-row-{pain_point.pk}", f"pain-point-{pain_point.pk}-state", f"step-{pain_point.step_id}")
    for fragment_id in ids:
        assert f'id="{fragment_id}"' in html
    gone = fragments.render_changes(world["journey"], {"step": pain_point.step_id, "deleted_pain_point": 99})
    assert '<div id="owner-row-99" hx-swap-oob="delete">' in gone


# The owners' list ---------------------------------------------------------------------------------------------


@pytest.fixture
def owners_list(world) -> dict[str, Any]:
    """Carla (IT) sees: the IT one, a high IT+Finance one (overdue, in progress), a solved low one. Not: a Finance
    one, nor an IT one on a journey she is not on."""
    step = world["step"]
    both = make_pain_point(step, [world["it"], world["finance"]], "Premium change not explained", severity="high")
    solved = make_pain_point(step, [world["it"]], "Letter goes to the old address", severity="low")
    finance_only = make_pain_point(step, [world["finance"]], "Direct debit a month late")
    other_journey = make_journey(title="I want to cancel")
    elsewhere = make_pain_point(make_step(other_journey, "Calls to cancel"), [world["it"]], "Cancel form is hidden")
    PainPoint.objects.filter(pk=both.pk).update(
        status=Status.IN_PROGRESS, owner=world["ivo"], target_date=YESTERDAY, created_at=timezone.now()
    )
    PainPoint.objects.filter(pk=solved.pk).update(status=Status.SOLVED, owner=world["carla"])
    PainPoint.objects.filter(pk=world["pain_point"].pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    return {
        "open": world["pain_point"],
        "both": both,
        "solved": solved,
        "finance_only": finance_only,
        "hidden": [finance_only, elsewhere],
    }


def row_order(html: str, pain_points: list[PainPoint]) -> list[int]:
    found = [(html.index(f'id="owner-row-{p.pk}"'), p.pk) for p in pain_points if f'id="owner-row-{p.pk}"' in html]
    return [pk for _position, pk in sorted(found)]


def test_owners_list_shows_my_departments_pain_points_on_my_journeys_only(client, world, owners_list):
    html = as_user(client, world["carla"]).get(reverse("my_pain_points")).content.decode()
    for visible in ("open", "both", "solved"):
        assert f'id="owner-row-{owners_list[visible].pk}"' in html
    for hidden in owners_list["hidden"]:
        assert f'id="owner-row-{hidden.pk}"' not in html
    row = html[html.index(f'id="owner-row-{owners_list["both"].pk}"') :]
    row = row[: row.find('id="owner-row-', 10)]
    assert "overdue" in row and "Ivo Mol" in row and "in progress" in row


def test_owners_list_is_sorted_by_severity_by_default_and_by_age_on_request(client, world, owners_list):
    rows = [owners_list["open"], owners_list["both"], owners_list["solved"]]
    as_user(client, world["carla"])
    by_severity = client.get(reverse("my_pain_points")).content.decode()
    assert row_order(by_severity, rows) == [owners_list["both"].pk, owners_list["open"].pk, owners_list["solved"].pk]
    oldest = client.get(reverse("my_pain_points"), {"sort": "oldest"}).content.decode()
    assert row_order(oldest, rows)[0] == owners_list["open"].pk
    newest = client.get(reverse("my_pain_points"), {"sort": "newest"}).content.decode()
    assert row_order(newest, rows)[-1] == owners_list["open"].pk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"severity": "high"}, ["both"]),
        ({"state": "overdue"}, ["both"]),
        ({"state": "active"}, ["both", "open", "finance_only"]),
        ({"state": "solved"}, ["solved"]),
        ({"department": "finance"}, ["both", "finance_only"]),
        ({"journey": "journey"}, ["both", "open", "solved", "finance_only"]),
    ],
)
def test_owners_list_filters(client, world, owners_list, query, expected):
    world["finance"].members.add(world["carla"])  # now the Finance-only one is hers too
    query = {key: world[value].pk if value in ("finance", "journey") else value for key, value in query.items()}
    html = as_user(client, world["carla"]).get(reverse("my_pain_points"), query).content.decode()
    every = [owners_list["open"], owners_list["both"], owners_list["solved"], *owners_list["hidden"]]
    assert sorted(row_order(html, every)) == sorted(owners_list[name].pk for name in expected)


def test_filter_on_someone_elses_journey_or_department_is_refused_with_a_message(client, world, owners_list):
    other = make_journey(title="Not mine")
    as_user(client, world["carla"])
    response = client.get(reverse("my_pain_points"), {"journey": other.pk})
    assert response.status_code == 400
    assert "That journey is not one of yours." in response.content.decode()
    response = client.get(reverse("my_pain_points_csv"), {"department": world["finance"].pk})
    assert response.status_code == 400
    assert "You are not a member of that department." in response.content.decode()


def test_someone_in_no_department_is_told_why_the_list_is_empty(client, world):
    html = as_user(client, world["anna"]).get(reverse("my_pain_points")).content.decode()
    assert "You are not a member of any department yet" in html


def test_nav_links_to_my_pain_points(client, world):
    html = as_user(client, world["carla"]).get(reverse("journey_list")).content.decode()
    assert f'href="{reverse("my_pain_points")}"' in html


def owner_list_region(html: str) -> str:
    start = html.index('<div id="owner-list-body"')
    return html[start : html.index("<!-- end owner-list -->", start)]


def test_rows_endpoint_answers_the_rows_region_with_the_page_s_filters(client, world, owners_list):
    as_user(client, world["carla"])
    query = {"severity": "high", "sort": "newest"}

    rows = client.get(reverse("my_pain_points_rows"), query)
    page = client.get(reverse("my_pain_points"), query)

    assert rows.status_code == 200
    html = rows.content.decode()
    assert "<html" not in html and "<form" not in html
    assert row_order(html, [owners_list["open"], owners_list["both"], owners_list["solved"]]) == [
        owners_list["both"].pk
    ]
    assert owner_list_region(html) == owner_list_region(page.content.decode())  # a reload equals the live page


def test_rows_endpoint_refuses_a_filter_the_user_may_not_use(client, world):
    response = as_user(client, world["carla"]).get(reverse("my_pain_points_rows"), {"department": world["finance"].pk})
    assert response.status_code == 400
    assert "You are not a member of that department." in response.content.decode()


def test_manager_rows_hold_every_department(client, world, owners_list):
    html = as_user(client, make_manager()).get(reverse("my_pain_points_rows")).content.decode()
    assert f'id="owner-row-{owners_list["finance_only"].pk}"' in html
    assert all(f'id="owner-row-{hidden.pk}"' in html for hidden in owners_list["hidden"])


# CSV export -----------------------------------------------------------------------------------------------------


def read_csv(response, delimiter: str = ",") -> list[list[str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode())  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


def test_csv_export_keeps_accents_and_has_a_managers_columns(client, world, owners_list):
    PainPoint.objects.filter(pk=owners_list["open"].pk).update(text="Café-klant krijgt geen reactie", owner=None)
    response = as_user(client, world["carla"]).get(reverse("my_pain_points_csv"), {"state": "active"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="pain-points-')
    header, *rows = read_csv(response)
    assert header[:7] == ["Journey", "Step", "Pain point", "Severity", "State", "Responsible departments", "Owner"]
    assert {"Target date", "Overdue", "Resolution", "Age (days)", "Link"} <= set(header)
    by_text = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_text) == {"Café-klant krijgt geen reactie", "Premium change not explained"}
    late = by_text["Premium change not explained"]
    assert (late["Overdue"], late["Target date"], late["Owner"]) == ("yes", YESTERDAY.isoformat(), "Ivo Mol")
    assert late["Responsible departments"] == "Finance, IT"
    assert late["Link"].endswith(page_url(owners_list["both"]))


def test_csv_export_defuses_spreadsheet_formulas(client, world):
    PainPoint.objects.filter(pk=world["pain_point"].pk).update(text='=HYPERLINK("http://evil","click")')
    header, row = read_csv(as_user(client, world["carla"]).get(reverse("my_pain_points_csv")))
    assert row[header.index("Pain point")] == '\'=HYPERLINK("http://evil","click")'


def test_csv_export_in_dutch_uses_semicolons_and_dutch_headers(client, world):
    as_user(client, world["carla"])
    with translation.override("nl"):
        response = client.get(reverse("my_pain_points_csv"), HTTP_ACCEPT_LANGUAGE="nl")
    rows = read_csv(response, delimiter=";")
    assert len(rows) == 2 and len(rows[0]) == len(rows[1]) > 10


# Query counts stay constant as rows grow ------------------------------------------------------------------------


def add_rows(world: dict[str, Any], count: int) -> None:
    for index in range(count):
        department = make_department(f"Extra {count}-{index}")
        department.members.add(world["carla"])
        pain_point = make_pain_point(world["step"], [world["it"], department], f"Pain {index}")
        lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["ivo"], base_version=None)


def count_queries(client, url: str, query: dict[str, Any] | None = None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query or {})
    assert response.status_code == 200
    return len(captured), response.content.count(b"owner-row-") or response.content.count(b"\n")


@pytest.mark.parametrize("url_name", ["my_pain_points", "my_pain_points_csv", "my_pain_points_rows"])
def test_owners_list_and_export_keep_a_constant_number_of_queries_as_rows_grow(client, world, url_name):
    as_user(client, world["carla"])
    url = reverse(url_name)
    client.get(url)  # warm up: session and user
    add_rows(world, 2)
    few, few_rows = count_queries(client, url, {"state": "active"})
    add_rows(world, 15)
    many, many_rows = count_queries(client, url, {"state": "active"})

    assert many_rows > few_rows
    assert many == few
    assert few <= 13  # one of them: the shared fixes each row shows (fixes/)


def test_pain_point_page_keeps_a_constant_number_of_queries_as_the_timeline_grows(client, world):
    pain_point = world["pain_point"]
    as_user(client, world["carla"])
    client.get(page_url(pain_point))
    lifecycle.pain_point_comment(pain_point=pain_point, actor=world["dirk"], text="one")
    with CaptureQueriesContext(connection) as few:
        client.get(page_url(pain_point))
    for index in range(10):
        lifecycle.pain_point_comment(pain_point=pain_point, actor=world["ivo"], text=f"more {index}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(page_url(pain_point)).content.decode()
    assert "more 9" in page
    assert len(many) == len(few)


def test_membership_role_makes_a_facilitator_able_to_act_from_the_page(client, world):
    Membership.objects.filter(journey=world["journey"], user=world["dirk"]).update(role=Membership.Role.FACILITATOR)
    response = as_user(client, world["dirk"]).post(
        act_url(world["pain_point"], "pick_up"), {"base_version": world["pain_point"].version}
    )
    assert response.status_code == 302
    assert fresh(world["pain_point"]).owner == world["dirk"]
