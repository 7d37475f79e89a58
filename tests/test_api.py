"""The REST API: personal tokens, every endpoint for members, outsiders (404), roles (403), stale versions (409), bad
input (400 with field messages), operation-id replay, pagination, rate limits, and the schema and docs page."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as tokens
from accounts.models import ApiToken
from journeys import services as journey_services
from journeys.changes import journey_changed
from journeys.models import Event, PainPoint
from painpoints import services as lifecycle
from tests.factories import (
    PASSWORD,
    link,
    make_journey,
    make_manager,
    make_owners_world,
    make_pain_point,
    make_step,
)

pytestmark = pytest.mark.django_db

Status = PainPoint.Status
NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["ratelimit"].clear()  # counts are per user id, and ids come back after a rolled-back test


@pytest.fixture
def world() -> dict[str, Any]:
    return make_owners_world()


class Api:
    """A client that speaks JSON with one person's token."""

    def __init__(self, client, user) -> None:
        self.client = client
        self.token = tokens.api_token_create(user=user, name="test")[1] if user is not None else ""

    def headers(self, extra: dict[str, str]) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra} if self.token else extra

    def get(self, url: str, **params: Any):
        return self.client.get(url, params, **self.headers({}))

    def post(self, url: str, data: dict[str, Any], **headers: str):
        return self.client.post(url, data, content_type="application/json", **self.headers(headers))


def api_as(client, user) -> Api:
    return Api(client, user)


def fresh(pain_point: PainPoint) -> PainPoint:
    return PainPoint.objects.get(pk=pain_point.pk)


def act_url(pain_point: PainPoint, action: str) -> str:
    return reverse(f"api_pain_point_{action}", args=[pain_point.pk])


VALID = {
    "pick_up": {},
    "hand_over": {"to_username": "ivo"},
    "give_back": {"reason": "Back to the team"},
    "plan_fix": {"fix_description": "Status page", "target_date": NEXT_WEEK.isoformat()},
    "solve": {"resolution": "Status page added"},
    "wont_fix": {"reason": "System replaced next year"},
    "reopen": {"reason": "Customers still call"},
    "comment": {"text": "Seen it today"},
}
# The state an action starts from in these tests, and the state it leads to.
START = {"give_back": Status.IN_PROGRESS, "plan_fix": Status.IN_PROGRESS, "reopen": Status.SOLVED}
AFTER = {
    "pick_up": Status.IN_PROGRESS,
    "hand_over": Status.IN_PROGRESS,
    "give_back": Status.OPEN,
    "plan_fix": Status.IN_PROGRESS,
    "solve": Status.SOLVED,
    "wont_fix": Status.WONT_FIX,
    "reopen": Status.OPEN,
    "comment": Status.OPEN,
}


def set_state(world: dict[str, Any], action: str) -> PainPoint:
    status = START.get(action, Status.OPEN)
    owner = world["carla"] if status == Status.IN_PROGRESS else None
    PainPoint.objects.filter(pk=world["pain_point"].pk).update(status=status, owner=owner)
    return fresh(world["pain_point"])


def body(action: str, pain_point: PainPoint, **extra: Any) -> dict[str, Any]:
    data = dict(VALID[action], **extra)
    if action != "comment":
        data.setdefault("base_version", pain_point.version)
    return data


# Tokens -----------------------------------------------------------------------------------------------------------


def test_a_token_made_on_the_profile_page_is_shown_once_and_stored_only_as_a_hash(client, world):
    client.force_login(world["carla"])

    response = client.post(reverse("api_token_create"), {"name": "Jira sync"})

    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    raw = response.context["new_token"]
    assert raw.startswith("jb_") and raw in response.content.decode()
    stored = ApiToken.objects.get(user=world["carla"])
    assert stored.name == "Jira sync" and raw not in (stored.key_hash, stored.prefix) and raw.startswith(stored.prefix)
    assert raw not in client.get(reverse("profile")).content.decode()  # never again
    answer = client.get(reverse("api_journeys"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200


def test_a_token_without_a_name_is_refused_with_a_message(client, world):
    client.force_login(world["carla"])
    response = client.post(reverse("api_token_create"), {"name": "  "})
    assert response.status_code == 422
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_works(client, world):
    api = api_as(client, world["carla"])
    assert api.get(reverse("api_journeys")).status_code == 200
    token = ApiToken.objects.get(user=world["carla"])
    client.force_login(world["carla"])

    response = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert response.status_code == 302
    client.logout()
    refused = api.get(reverse("api_journeys"))
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Bearer"
    assert "revoked" in refused.json()["detail"]


def test_nobody_revokes_someone_else_s_token(client, world):
    api_as(client, world["carla"])
    token = ApiToken.objects.get(user=world["carla"])
    client.force_login(world["ivo"])
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).active


def test_a_token_of_a_deactivated_person_does_not_work(client, world):
    api = api_as(client, world["carla"])
    world["carla"].is_active = False
    world["carla"].save()
    assert api.get(reverse("api_journeys")).status_code == 401


def test_without_a_token_the_api_answers_401(client, world):
    for url in (reverse("api_journeys"), reverse("api_pain_points"), reverse("api_pain_point", args=[1])):
        assert client.get(url).status_code == 401
    assert client.post(act_url(world["pain_point"], "pick_up"), {}, content_type="application/json").status_code == 401


def test_a_made_up_token_gets_401(client, world):
    response = client.get(reverse("api_journeys"), HTTP_AUTHORIZATION="Bearer jb_" + "x" * 43)
    assert response.status_code == 401


# Reading --------------------------------------------------------------------------------------------------------


def test_a_member_reads_the_journey_its_lanes_steps_hand_offs_and_pain_points(client, world):
    journey, step = world["journey"], world["step"]
    second = make_step(journey, "Agent calls back", department=world["it"])
    handoff = link(journey, step, second, "callback")
    api = api_as(client, world["dirk"])  # on the journey, not in IT: reading is for every member

    journeys = api.get(reverse("api_journeys")).json()
    assert [j["id"] for j in journeys["results"]] == [journey.pk]
    assert journeys["results"][0]["board_url"].endswith(f"/j/{journey.pk}/")
    assert api.get(reverse("api_journey", args=[journey.pk])).json()["title"] == journey.title
    lanes = api.get(reverse("api_lanes", args=[journey.pk])).json()["results"]
    assert [lane["department"]["name"] for lane in lanes] == ["IT"]
    steps = api.get(reverse("api_steps", args=[journey.pk])).json()["results"]
    assert [s["title"] for s in steps] == [step.title, second.title]
    handoffs = api.get(reverse("api_handoffs", args=[journey.pk])).json()["results"]
    assert handoffs == [
        {"id": handoff.pk, "from_step": step.pk, "to_step": second.pk, "label": "callback", "version": 1}
    ]
    rows = api.get(reverse("api_journey_pain_points", args=[journey.pk])).json()["results"]
    assert [(r["text"], r["status"], r["step_title"]) for r in rows] == [(world["pain_point"].text, "open", step.title)]
    assert rows[0]["responsible_departments"][0]["name"] == "IT"


def test_lanes_carry_their_blueprint_role_and_the_schema_names_its_choices(client, world):
    journey = world["journey"]
    journey_services.lane_role_set(journey=journey, department=world["it"], role="support", actor=world["anna"])
    api = api_as(client, world["dirk"])

    lanes = api.get(reverse("api_lanes", args=[journey.pk])).json()["results"]

    assert [(lane["department"]["name"], lane["role"]) for lane in lanes] == [("IT", "support")]
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schemas = schema["components"]["schemas"]
    choices = [schemas[ref["$ref"].rsplit("/", 1)[1]] for ref in schemas["Lane"]["properties"]["role"]["oneOf"]]
    assert sorted(value for choice in choices for value in choice["enum"]) == sorted(
        ["", "customer", "frontstage", "backstage", "support"]
    )


def test_a_pain_point_reads_with_its_timeline_comments_included(client, world):
    pain_point = world["pain_point"]
    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=1)
    lifecycle.pain_point_comment(pain_point=pain_point, actor=world["ivo"], text="Customers call twice a day")

    data = api_as(client, world["dirk"]).get(reverse("api_pain_point", args=[pain_point.pk])).json()

    assert (data["status"], data["owner"]["username"], data["version"]) == ("in_progress", "carla", 2)
    assert [entry["kind"] for entry in data["timeline"]] == ["created", "tagged", "picked_up", "commented"]
    assert data["timeline"][-1]["text"] == "Customers call twice a day"
    assert data["timeline"][-1]["actor"]["name"] == "Ivo Mol"
    assert data["page_url"].endswith(f"/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/")


def test_a_future_state_names_its_process_so_programs_count_processes_not_journeys(
    client, world, django_assert_max_num_queries
):
    from versions.services import version_start

    journey = world["journey"]
    future = version_start(journey=journey, name="As it should be", actor=journey.created_by)
    api = api_as(client, journey.created_by)

    with django_assert_max_num_queries(8):  # the versions come with the journeys, in the same query
        rows = {row["id"]: row for row in api.get(reverse("api_journeys")).json()["results"]}

    assert (rows[journey.pk]["process"], rows[journey.pk]["version_name"]) == (journey.pk, "As it is")
    assert (rows[future.pk]["process"], rows[future.pk]["version_name"]) == (journey.pk, "As it should be")
    assert api.get(reverse("api_journey", args=[future.pk])).json()["process"] == journey.pk


def test_an_outsider_gets_404_for_every_journey_and_pain_point_url(client, world):
    journey, pain_point = world["journey"], world["pain_point"]
    api = api_as(client, world["outsider"])  # IT, but not on the journey

    for name in ("api_journey", "api_lanes", "api_steps", "api_handoffs", "api_journey_pain_points"):
        assert api.get(reverse(name, args=[journey.pk])).status_code == 404, name
    assert api.get(reverse("api_pain_point", args=[pain_point.pk])).status_code == 404
    assert api.get(reverse("api_journeys")).json()["results"] == []
    assert api.get(reverse("api_pain_points")).json()["results"] == []
    for action in VALID:
        assert api.post(act_url(pain_point, action), body(action, pain_point)).status_code == 404, action
    create = {"step": world["step"].pk, "text": "Sneaky", "responsible_departments": [world["it"].pk]}
    assert api.post(reverse("api_journey_pain_points", args=[journey.pk]), create).status_code == 404
    assert fresh(pain_point).status == Status.OPEN and PainPoint.objects.count() == 1


def test_a_manager_reads_pain_points_of_any_journey_but_cannot_change_them_off_it(client, world):
    pain_point = world["pain_point"]
    api = api_as(client, make_manager("mona"))

    assert [row["id"] for row in api.get(reverse("api_pain_points")).json()["results"]] == [pain_point.pk]
    assert api.get(reverse("api_pain_point", args=[pain_point.pk])).status_code == 200
    assert api.get(reverse("api_journey", args=[pain_point.journey_id])).status_code == 404  # the board is members'
    assert api.post(act_url(pain_point, "comment"), {"text": "Hello"}).status_code == 404
    assert fresh(pain_point).activities.count() == 2


def test_the_pain_point_list_filters_and_refuses_a_bad_filter_with_a_message(client, world):
    solved = make_pain_point(world["step"], [world["it"]], "Letter to the old address")
    lifecycle.pain_point_solve(pain_point=solved, actor=world["carla"], resolution="Fixed", base_version=1)
    api = api_as(client, world["carla"])

    rows = api.get(reverse("api_pain_points"), status="solved").json()["results"]
    assert [row["id"] for row in rows] == [solved.pk]
    by_department = api.get(reverse("api_pain_points"), department=world["finance"].pk).json()["results"]
    assert by_department == []
    bad = api.get(reverse("api_pain_points"), status="done", journey="one")
    assert bad.status_code == 400
    assert set(bad.json()) == {"status", "journey"}


def test_pages_follow_a_cursor_and_never_repeat_or_skip_a_row(client, world):
    for index in range(6):
        make_pain_point(world["step"], [world["it"]], f"Pain point {index}")
    api = api_as(client, world["carla"])

    seen, url, params = [], reverse("api_pain_points"), {"page_size": 3}
    while url:
        page = api.get(url, **params).json()
        seen += [row["id"] for row in page["results"]]
        url, params = page["next"], {}
    assert seen == sorted(PainPoint.objects.values_list("pk", flat=True))
    assert len(seen) == 7


def test_a_page_of_pain_points_takes_the_same_number_of_queries_whatever_its_size(client, world):
    departments = [world["it"], world["finance"]]
    for index in range(40):
        pain_point = make_pain_point(world["step"], departments, f"Pain point {index}")
        lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=1)
    api = api_as(client, world["carla"])
    api.get(reverse("api_pain_points"))  # the token's "last used" is written once a minute, not on every request

    counts = []
    for size in (5, 40):
        with CaptureQueriesContext(connection) as queries:
            assert len(api.get(reverse("api_pain_points"), page_size=size).json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Creating pain points ---------------------------------------------------------------------------------------------


def create_url(world: dict[str, Any]) -> str:
    return reverse("api_journey_pain_points", args=[world["journey"].pk])


def test_a_member_creates_a_pain_point_through_the_one_write_path(client, world, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender: Any, event: Event, **kwargs: Any) -> None:
        heard.append(event)

    journey_changed.connect(listener)
    data = {"step": world["step"].pk, "text": "Form says nothing", "severity": "high"}
    data["responsible_departments"] = [world["it"].pk, world["finance"].pk]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(client, world["dirk"]).post(create_url(world), data)
    finally:
        journey_changed.disconnect(listener)

    assert response.status_code == 201
    created = PainPoint.objects.get(pk=response.json()["id"])
    assert (created.text, created.severity, created.created_by) == ("Form says nothing", "high", world["dirk"])
    assert {d["name"] for d in response.json()["responsible_departments"]} == {"IT", "Finance"}
    event = Event.objects.get(journey=world["journey"], kind="pain_point.created", targets__pain_point=created.pk)
    assert [e.pk for e in heard] == [event.pk]


def test_creating_a_pain_point_with_bad_input_says_what_is_wrong_per_field(client, world):
    other_step = make_step(make_journey(), "Elsewhere")
    api = api_as(client, world["carla"])
    cases = [
        ({"step": world["step"].pk, "responsible_departments": [world["it"].pk]}, "text", "required"),
        ({"step": world["step"].pk, "text": "x", "responsible_departments": []}, "responsible_departments", "at least"),
        ({"step": world["step"].pk, "text": "x", "responsible_departments": [999]}, "responsible_departments", "exist"),
        ({"step": other_step.pk, "text": "x", "responsible_departments": [world["it"].pk]}, "step", "not on this"),
        ({"step": world["step"].pk, "text": "  ", "responsible_departments": [world["it"].pk]}, "text", ""),
        ({"step": world["step"].pk, "text": "x", "severity": "huge", "responsible_departments": []}, "severity", ""),
    ]
    for data, field, words in cases:
        response = api.post(create_url(world), data)
        assert response.status_code == 400, data
        assert words in " ".join(response.json()[field]), (data, response.json())
    assert PainPoint.objects.count() == 1


def test_creating_twice_with_one_operation_id_makes_one_pain_point(client, world):
    api = api_as(client, world["carla"])
    data = {"step": world["step"].pk, "text": "Typos when re-keying", "responsible_departments": [world["it"].pk]}

    first = api.post(create_url(world), {**data, "op_id": "ticket-4711-create"})
    again = api.post(create_url(world), {**data, "op_id": "ticket-4711-create"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert PainPoint.objects.filter(text="Typos when re-keying").count() == 1


def test_the_idempotency_key_header_serves_as_the_operation_id(client, world):
    api = api_as(client, world["carla"])
    data = {"step": world["step"].pk, "text": "Retry me", "responsible_departments": [world["it"].pk]}
    statuses = [api.post(create_url(world), data, HTTP_IDEMPOTENCY_KEY="jira-PROJ-12").status_code for _ in range(2)]
    assert statuses == [201, 200] and PainPoint.objects.filter(text="Retry me").count() == 1


def test_an_operation_id_that_is_not_ours_is_refused_with_a_field_message(client, world):
    data = {"step": world["step"].pk, "text": "x", "responsible_departments": [world["it"].pk], "op_id": "no spaces!"}
    response = api_as(client, world["carla"]).post(create_url(world), data)
    assert response.status_code == 400 and "op_id" in response.json()


# Pain point actions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(VALID))
def test_every_action_moves_the_pain_point_as_the_page_does(client, world, action):
    pain_point = set_state(world, action)
    events_before = Event.objects.count()

    response = api_as(client, world["carla"]).post(act_url(pain_point, action), body(action, pain_point))

    assert response.status_code == 200, response.json()
    after = fresh(pain_point)
    assert after.status == AFTER[action] and response.json()["status"] == AFTER[action]
    assert Event.objects.count() == events_before + 1
    assert Event.objects.latest("pk").kind == f"pain_point.{action}"
    assert response.json()["timeline"][-1]["kind"] == lifecycle.KINDS[action]


@pytest.mark.parametrize("action", sorted(lifecycle.OWNER_ACTIONS))
def test_a_member_of_another_department_gets_403_with_who_may_and_nothing_changes(client, world, action):
    pain_point = set_state(world, action)

    response = api_as(client, world["dirk"]).post(act_url(pain_point, action), body(action, pain_point))

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only members of IT or the journey's facilitator")
    assert fresh(pain_point).version == pain_point.version


@pytest.mark.parametrize("action", sorted(lifecycle.OWNER_ACTIONS))
def test_a_stale_version_gets_409_with_the_current_version_and_nothing_changes(client, world, action):
    pain_point = set_state(world, action)
    PainPoint.objects.filter(pk=pain_point.pk).update(version=5)

    response = api_as(client, world["carla"]).post(
        act_url(pain_point, action), body(action, pain_point, base_version=4)
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 5 and response.json()["code"] == "StaleEdit"
    assert fresh(pain_point).status == pain_point.status and fresh(pain_point).version == 5


def test_an_illegal_move_gets_409_naming_the_state(client, world):
    pain_point = world["pain_point"]
    response = api_as(client, world["carla"]).post(act_url(pain_point, "reopen"), body("reopen", pain_point))
    assert response.status_code == 409 and "“open”" in response.json()["detail"]


def test_a_late_pick_up_learns_who_has_it(client, world):
    pain_point = world["pain_point"]
    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["ivo"], base_version=1)
    response = api_as(client, world["carla"]).post(act_url(pain_point, "pick_up"), {"base_version": 2})
    assert response.status_code == 409 and response.json()["detail"] == "Ivo Mol has already picked up this pain point."


@pytest.mark.parametrize(
    ("action", "data", "field", "words"),
    [
        ("pick_up", {}, "base_version", "required"),
        ("pick_up", {"base_version": "two"}, "base_version", "integer"),
        ("plan_fix", {"fix_description": "", "target_date": NEXT_WEEK.isoformat()}, "fix_description", "Say what"),
        ("plan_fix", {"fix_description": "x", "target_date": "2020-01-01"}, "target_date", "in the past"),
        ("plan_fix", {"fix_description": "x", "target_date": "soon"}, "target_date", "format"),
        ("solve", {"resolution": " "}, "resolution", "how it was solved"),
        ("wont_fix", {}, "reason", "reason"),
        ("hand_over", {"to_username": "dirk"}, "to_user", "not in a responsible department"),
        ("hand_over", {}, "to_user", "Choose the colleague"),
        ("comment", {"text": ""}, "text", "Write a comment"),
    ],
)
def test_bad_input_gets_400_with_a_message_for_the_field(client, world, action, data, field, words):
    pain_point = set_state(world, action)
    payload = {"base_version": pain_point.version, **data} if field != "base_version" else data

    response = api_as(client, world["carla"]).post(act_url(pain_point, action), payload)

    assert response.status_code == 400, response.json()
    assert words in " ".join(response.json()[field]), response.json()
    assert fresh(pain_point).version == pain_point.version


def test_hand_over_takes_a_user_id_too(client, world):
    pain_point = world["pain_point"]
    data = {"base_version": 1, "to_user": world["ivo"].pk}
    response = api_as(client, world["carla"]).post(act_url(pain_point, "hand_over"), data)
    assert response.status_code == 200 and response.json()["owner"]["username"] == "ivo"


def test_an_action_sent_twice_with_one_operation_id_happens_once(client, world):
    pain_point = world["pain_point"]
    api = api_as(client, world["carla"])
    op_id = uuid.uuid4().hex

    first = api.post(act_url(pain_point, "comment"), {"text": "Called the customer", "op_id": op_id})
    again = api.post(act_url(pain_point, "comment"), {"text": "Called the customer", "op_id": op_id})

    assert (first.status_code, again.status_code) == (200, 200)
    assert "Idempotent-Replayed" not in first and again["Idempotent-Replayed"] == "true"
    assert fresh(pain_point).activities.filter(kind="commented").count() == 1


def test_an_operation_id_sent_again_with_other_content_is_refused_as_on_the_pages(client, world):
    pain_point = world["pain_point"]
    api = api_as(client, world["carla"])
    api.post(act_url(pain_point, "comment"), {"text": "Called the customer", "op_id": "ticket-9-comment"})

    again = api.post(act_url(pain_point, "comment"), {"text": "Something else", "op_id": "ticket-9-comment"})

    assert again.status_code == 409 and "sent before with other content" in again.json()["detail"]
    assert [a.text for a in fresh(pain_point).activities.filter(kind="commented")] == ["Called the customer"]


def test_a_replayed_pick_up_answers_the_current_state_not_a_conflict(client, world):
    pain_point = world["pain_point"]
    api = api_as(client, world["carla"])
    api.post(act_url(pain_point, "pick_up"), {"base_version": 1, "op_id": "pickup-once-1"})
    again = api.post(act_url(pain_point, "pick_up"), {"base_version": 1, "op_id": "pickup-once-1"})
    assert again.status_code == 200 and again.json()["owner"]["username"] == "carla"


# Limits -------------------------------------------------------------------------------------------------------------


def test_past_the_request_limit_the_api_answers_429_with_retry_after(client, world, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    api = api_as(client, world["carla"])
    statuses = [api.get(reverse("api_journeys")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert int(api.get(reverse("api_journeys"))["Retry-After"]) > 0
    other = api_as(client, world["ivo"])  # another person counts separately
    assert other.get(reverse("api_journeys")).status_code == 200


def test_api_changes_count_against_the_board_change_limit(client, world, settings):
    settings.BOARD_CHANGES_PER_MINUTE = 1
    api = api_as(client, world["carla"])
    pain_point = world["pain_point"]
    assert api.post(act_url(pain_point, "comment"), {"text": "one"}).status_code == 200

    refused = api.post(act_url(pain_point, "comment"), {"text": "two"})

    assert (
        refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 70
    )  # a sliding window of six slices: when there is room
    assert fresh(pain_point).activities.filter(kind="commented").count() == 1


# Schema and docs ----------------------------------------------------------------------------------------------------


def test_the_openapi_schema_describes_every_endpoint_and_the_token(client):
    response = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert response.status_code == 200 and schema["info"]["title"] == "Journey Board API"
    for action in VALID:
        assert f"/api/v1/pain-points/{{pain_point_id}}/{action}/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token from your profile page (/account/).",
    }


def test_the_docs_page_loads_everything_from_this_server(client):
    page = client.get(reverse("api_docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page and "<script>" not in page and "<style>" not in page
    script = client.get(reverse("api_docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_the_profile_page_lists_tokens_without_their_secrets(client, world):
    _token, raw = tokens.api_token_create(user=world["carla"], name="TOPdesk")
    client.force_login(world["carla"])
    page = client.get(reverse("profile")).content.decode()
    assert "TOPdesk" in page and raw[:10] in page and raw not in page and "IT" in page


def test_password_login_still_works_next_to_tokens(client, world):
    assert client.post(reverse("login"), {"username": "carla", "password": PASSWORD}).status_code == 302
    assert client.get(reverse("api_journeys")).status_code == 200  # the session, e.g. for the docs page


def test_session_writes_need_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["carla"])
    response = client.post(act_url(world["pain_point"], "comment"), {"text": "x"}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
