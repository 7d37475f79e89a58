"""The manager dashboard page, its CSV exports, its cache and its live doorbell."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboard.consumers import DashboardConsumer
from journeys import services
from tests.factories import (
    make_department,
    make_journey,
    make_manager,
    make_pain_point,
    make_step,
    make_user,
    record_status_change,
)
from tests.live_client import run_async

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def organisation():
    it, finance = make_department("IT"), make_department("Finance")
    moving = make_journey(title="Moving")
    step = make_step(moving)
    shared = make_pain_point(step, [it, finance], text="Nobody says what happens next")
    record_status_change(make_pain_point(step, [finance], text="Premium not explained"), "solved", shared.created_at)
    return {"it": it, "finance": finance, "moving": moving, "step": step}


def cell(html: str, table: str, row: str, column: str) -> str:
    """The text of one figure in a status table, found by its row name and column class."""
    body = html.split(f'id="{table}-table"', 1)[1].split("</table>", 1)[0]
    row_html = body.split(f">{row}</a>", 1)[1].split("</tr>", 1)[0]
    match = re.search(rf'class="num col-{column}[^"]*">(?:<a href="[^"]*">)?(\d+)', row_html)
    return match.group(1)


def test_managers_group_exists_after_migrate():
    assert Group.objects.filter(name="Managers").exists()


def test_non_manager_gets_403_on_the_dashboard_and_its_exports(organisation):
    member = client_for(make_user())

    assert member.get("/dashboard/").status_code == 403
    assert member.get("/dashboard/export/journeys.csv").status_code == 403


def test_anonymous_visitor_is_sent_to_log_in():
    response = Client().get("/dashboard/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_manager_sees_counts_per_journey_and_per_department(organisation):
    html = client_for(make_manager()).get("/dashboard/").content.decode()

    assert cell(html, "journey", "Moving", "open") == "1"
    assert cell(html, "journey", "Moving", "solved") == "1"
    assert cell(html, "journey", "Moving", "total") == "2"
    assert cell(html, "department", "IT", "open") == "1"
    assert cell(html, "department", "Finance", "open") == "1"
    assert cell(html, "department", "Finance", "total") == "2"


def test_an_organisation_without_pain_points_gets_an_empty_but_whole_dashboard():
    response = client_for(make_manager()).get("/dashboard/?weeks=4")
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("No pain points match these filters.") == 2
    assert "The open backlog stayed at 0 for 4 weeks." in html


def test_every_chart_has_a_title_and_a_data_table(organisation):
    html = client_for(make_manager()).get("/dashboard/").content.decode()

    svgs = re.findall(r'<svg class="flow-chart[^>]*role="img" aria-labelledby="([\w-]+)-title [\w-]+-desc"', html)
    assert svgs and all(f'<title id="{chart}-title">' in html for chart in svgs)
    assert 'class="data-table"' in html and "Open at end of week" in html


def test_bad_filter_answers_400_with_a_message_and_no_figures(organisation):
    response = client_for(make_manager()).get("/dashboard/?department=999999&weeks=3")
    html = response.content.decode()

    assert response.status_code == 400
    assert "That department does not exist." in html and "Choose one of the periods offered." in html
    assert 'id="journey-table"' not in html


def test_filters_live_in_the_url_and_in_every_link_the_body_makes(organisation):
    finance = organisation["finance"].pk
    html = client_for(make_manager()).get(f"/dashboard/?weeks=26&department={finance}&jsort=name").content.decode()

    assert f'hx-get="/dashboard/?weeks=26&amp;department={finance}&amp;jsort=name&amp;dsort=-open"' in html
    assert f"/dashboard/export/journeys.csv?weeks=26&amp;department={finance}&amp;jsort=name" in html
    assert '<option value="26" selected>' in html


def test_sorting_orders_rows_and_marks_the_column(organisation):
    other = make_journey(title="Address")
    step = make_step(other)
    for _ in range(3):
        make_pain_point(step, [organisation["it"]])
    manager = client_for(make_manager())

    def journey_table(query: str) -> str:
        return manager.get(f"/dashboard/?{query}").content.decode().split('id="journey-table"', 1)[1]

    by_open, by_name, reversed_names = (
        journey_table("jsort=-open"),
        journey_table("jsort=name"),
        journey_table("jsort=-name"),
    )

    assert by_open.index(">Address</a>") < by_open.index(">Moving</a>")
    assert by_name.index(">Address</a>") < by_name.index(">Moving</a>")
    assert reversed_names.index(">Moving</a>") < reversed_names.index(">Address</a>")
    assert 'class="col-name" aria-sort="ascending"' in by_name.split("</thead>")[0]


def test_htmx_request_gets_only_the_body(organisation):
    response = client_for(make_manager()).get("/dashboard/", headers={"HX-Request": "true"})
    html = response.content.decode()

    assert html.lstrip().startswith('<div id="dashboard-body"') and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_csv_exports_hold_the_same_figures(organisation):
    manager = client_for(make_manager())

    def rows(name: str) -> list[list[str]]:  # utf-8-sig: the download starts with a byte order mark for Excel
        return list(csv.reader(io.StringIO(manager.get(f"/dashboard/export/{name}.csv").content.decode("utf-8-sig"))))

    journeys, departments, weeks = rows("journeys"), rows("departments"), rows("weeks")

    assert journeys == [
        [
            "Journey",
            "Open",
            "In progress",
            "Solved",
            "Won't fix",
            "Total",
            "Customer indicator",
            "Customer score",
            "Measured on",
            "Change since the measurement before",
        ],
        ["Moving", "1", "0", "1", "0", "2", "", "", "", ""],
    ]
    assert departments[1:] == [["Finance", "1", "0", "1", "0", "2"], ["IT", "1", "0", "0", "0", "1"]]
    assert weeks[0] == ["Journey", "Week starting", "Opened", "Solved", "Open at end of week"]
    assert len(weeks) == 1 + 12 * 2 and weeks[12][0] == "All journeys" and weeks[12][2:] == ["2", "1", "1"]


def test_csv_export_keeps_a_formula_like_title_as_text(organisation):
    make_pain_point(make_step(make_journey(title='=HYPERLINK("http://evil")')), [organisation["it"]])

    export = client_for(make_manager()).get("/dashboard/export/journeys.csv").content.decode()
    rows = list(csv.reader(io.StringIO(export)))

    assert ['\'=HYPERLINK("http://evil")', "1", "0", "0", "0", "1", "", "", "", ""] in rows


def test_figures_link_to_the_owners_list_with_status_journey_and_department(organisation):
    finance, moving = organisation["finance"].pk, organisation["moving"].pk

    html = client_for(make_manager()).get(f"/dashboard/?department={finance}").content.decode()

    assert f'href="/pain-points/?state=open&amp;journey={moving}&amp;department={finance}"' in html
    assert f'href="/pain-points/?state=solved&amp;department={finance}"' in html  # the Finance row


def test_a_manager_follows_a_figure_into_the_owners_list_of_any_department(organisation):
    finance = organisation["finance"]
    manager = make_manager()  # in no department, member of no journey

    response = client_for(manager).get(f"/pain-points/?state=open&department={finance.pk}")

    assert response.status_code == 200
    expected = organisation["moving"].pain_points.filter(responsible_departments=finance, status="open")
    assert expected.exists()
    for pain_point in expected:
        assert pain_point.text in response.content.decode()


def test_unknown_export_is_404(organisation):
    assert client_for(make_manager()).get("/dashboard/export/secrets.csv").status_code == 404


def queries_for_page(client: Client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/dashboard/").status_code == 200
    return len(captured)


def test_the_page_issues_the_same_number_of_queries_whatever_the_size(organisation):
    manager = client_for(make_manager())
    small = queries_for_page(manager)
    departments = [make_department() for _ in range(4)]
    for index in range(5):
        step = make_step(make_journey(title=f"Journey {index}"))
        for number in range(6):
            made = make_pain_point(step, departments[: 1 + number % 4])
            if number % 3 == 0:
                record_status_change(made, "solved", made.created_at)

    assert queries_for_page(manager) == small


def test_managers_with_the_same_filters_share_one_render_until_a_pain_point_changes(organisation):
    first, second = client_for(make_manager()), client_for(make_manager())
    first.get("/dashboard/")

    with CaptureQueriesContext(connection) as captured:
        second.get("/dashboard/", headers={"HX-Request": "true"})
    assert not any("journeys_painpoint" in query["sql"] for query in captured.captured_queries)

    make_pain_point(organisation["step"], [organisation["it"]], text="A new one")
    html = second.get("/dashboard/", headers={"HX-Request": "true"}).content.decode()
    assert cell(html, "journey", "Moving", "open") == "2"


# Live doorbell --------------------------------------------------------------------------------------------------


async def _connect(user) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(DashboardConsumer.as_asgi(), "/ws/dashboard/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    return communicator, connected


async def _next_message(dashboard: WebsocketCommunicator, key: str) -> dict:
    """The next message that has `key` ("doorbell" or "marker"), skipping the other kind."""
    while True:
        message = json.loads(await dashboard.receive_from(timeout=5))
        if key in message:
            return message


@pytest.mark.django_db(transaction=True)
def test_a_pain_point_change_rings_every_open_dashboard_once(fresh_layer):
    manager = make_manager()
    journey = make_journey()
    step = make_step(journey)
    department = make_department()

    async def scenario() -> list[dict]:
        from channels.db import database_sync_to_async

        dashboards = [(await _connect(manager))[0] for _ in range(2)]
        await database_sync_to_async(make_pain_point)(step, [department])
        await database_sync_to_async(services.step_update)(
            step=step, actor=journey.created_by, base_version=None, title="Renamed"
        )
        messages = [await _next_message(one, "doorbell") for one in dashboards]
        for one in dashboards:
            assert await one.receive_nothing(timeout=0.2)  # the rename rang nothing
        for one in dashboards:
            await one.disconnect()
        return messages

    messages = run_async(scenario)

    assert len(messages) == 2 and all(set(message) == {"doorbell"} for message in messages)


@pytest.mark.django_db(transaction=True)
def test_deleting_a_step_with_pain_points_rings_the_dashboards(fresh_layer):
    manager = make_manager()
    journey = make_journey()
    step = make_step(journey)
    make_pain_point(step, [make_department()])

    async def scenario() -> dict:
        from channels.db import database_sync_to_async

        dashboard, _connected = await _connect(manager)
        await database_sync_to_async(services.step_delete)(step=step, actor=journey.created_by, base_version=None)
        message = await _next_message(dashboard, "doorbell")
        await dashboard.disconnect()
        return message

    assert set(run_async(scenario)) == {"doorbell"}


@pytest.mark.django_db(transaction=True)
def test_a_non_manager_socket_is_closed_with_4403(fresh_layer):
    member = make_user()

    async def scenario() -> dict:
        communicator, connected = await _connect(member)
        assert connected
        closing = await communicator.receive_output(timeout=2)
        await communicator.disconnect()
        return closing

    assert run_async(scenario) == {"type": "websocket.close", "code": 4403}


@pytest.mark.django_db(transaction=True)
def test_an_open_dashboard_still_gets_doorbells_after_its_first_group_membership_expired(fresh_layer, settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"group_expiry": 1}}
    }
    settings.BOARD_HEARTBEAT_SECONDS = 0.3
    manager = make_manager()
    step = make_step(make_journey())
    department = make_department()

    async def scenario() -> dict:
        from channels.db import database_sync_to_async

        dashboard, _connected = await _connect(manager)
        await asyncio.sleep(2)  # twice the group expiry: only a re-join keeps the socket in the group
        await database_sync_to_async(make_pain_point)(step, [department])
        message = await _next_message(dashboard, "doorbell")
        await dashboard.disconnect()
        return message

    assert set(run_async(scenario)) == {"doorbell"}


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_marker_is_the_body_s_and_moves_with_a_pain_point_change(fresh_layer, settings, organisation):
    settings.BOARD_HEARTBEAT_SECONDS = 0.2
    manager = make_manager()
    page = client_for(manager).get("/dashboard/").content.decode()
    pain_point = organisation["step"].pain_points.first()

    async def scenario() -> tuple[str, str, str]:
        from channels.db import database_sync_to_async

        dashboard, _connected = await _connect(manager)
        on_connect = (await _next_message(dashboard, "marker"))["marker"]
        beat = (await _next_message(dashboard, "marker"))["marker"]
        await database_sync_to_async(services.pain_point_update)(
            pain_point=pain_point,
            actor=organisation["moving"].created_by,
            base_version=None,
            text=pain_point.text,
            severity="high",
            departments=[organisation["it"]],
        )
        moved = (await _next_message(dashboard, "marker"))["marker"]
        await dashboard.disconnect()
        return on_connect, beat, moved

    on_connect, beat, moved = run_async(scenario)

    assert f'data-marker="{on_connect}"' in page
    assert beat == on_connect
    assert moved != on_connect


@pytest.mark.django_db(transaction=True)
def test_a_manager_who_leaves_the_managers_group_is_closed_at_the_next_beat(fresh_layer, settings):
    settings.BOARD_HEARTBEAT_SECONDS = 0.2
    manager = make_manager()

    async def scenario() -> dict:
        from channels.db import database_sync_to_async

        dashboard, _connected = await _connect(manager)
        await _next_message(dashboard, "marker")
        await database_sync_to_async(manager.groups.clear)()
        closing = await dashboard.receive_output(timeout=2)
        while closing["type"] != "websocket.close":
            closing = await dashboard.receive_output(timeout=2)
        await dashboard.disconnect()
        return closing

    assert run_async(scenario) == {"type": "websocket.close", "code": 4403}


def test_undo_and_redo_concern_the_dashboards_when_they_change_pain_points(organisation):
    from dashboard.consumers import concerns_dashboards
    from journeys import undo

    journey, step = organisation["moving"], organisation["step"]
    facilitator = journey.created_by
    tagged = make_pain_point(step, [organisation["it"]], text="Letter goes to the old address")
    untagged = undo.change_undo(journey=journey, actor=facilitator)
    retagged = undo.change_redo(journey=journey, actor=facilitator)
    services.pain_point_delete(pain_point=tagged, actor=facilitator, base_version=None)
    undeleted = undo.change_undo(journey=journey, actor=facilitator)
    services.step_update(step=step, actor=facilitator, base_version=None, title="Renamed")
    unrenamed = undo.change_undo(journey=journey, actor=facilitator)
    rerenamed = undo.change_redo(journey=journey, actor=facilitator)

    assert [concerns_dashboards(event) for event in (untagged, retagged, undeleted)] == [True, True, True]
    assert [concerns_dashboards(event) for event in (unrenamed, rerenamed)] == [False, False]


@pytest.mark.django_db(transaction=True)
def test_undoing_a_pain_point_tag_rings_the_open_dashboards(fresh_layer):
    from journeys import undo

    manager = make_manager()
    journey = make_journey()
    step = make_step(journey)
    department = make_department()

    async def scenario() -> dict:
        from channels.db import database_sync_to_async

        make = database_sync_to_async(make_pain_point)
        await make(step, [department])
        dashboard, _connected = await _connect(manager)
        await _next_message(dashboard, "marker")
        await database_sync_to_async(undo.change_undo)(journey=journey, actor=journey.created_by)
        message = await _next_message(dashboard, "doorbell")
        await dashboard.disconnect()
        return message

    assert set(run_async(scenario)) == {"doorbell"}


def test_only_the_broadcast_module_talks_to_the_channel_layer():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    talking = sorted(
        str(source.relative_to(root))
        for package in (
            "boards",
            "journeys",
            "workshops",
            "painpoints",
            "dashboard",
            "exchange",
            "web",
            "demo",
            "live",
            "config",
        )
        for source in (root / package).rglob("*.py")
        if re.search(r"get_channel_layer|channel_layer\.|group_send|group_add|group_discard", source.read_text())
    )
    assert talking == ["live/broadcast.py"]


def test_the_marker_stays_on_a_timer_tick_or_a_card_focus_and_moves_with_a_pain_point_change(organisation):
    from dashboard.markers import dashboard_marker
    from workshops import services as workshop

    moving, step = organisation["moving"], organisation["step"]
    facilitator = moving.created_by
    before = dashboard_marker()

    workshop.timer_start(journey=moving, actor=facilitator, duration_seconds=60)
    workshop.focus_set(journey=moving, actor=facilitator, step=step)
    services.step_update(step=step, actor=facilitator, base_version=None, title="Renamed")
    assert dashboard_marker() == before

    services.pain_point_create(
        step=step, actor=facilitator, text="Letter lost", severity="high", departments=[organisation["it"]]
    )
    assert dashboard_marker() != before
