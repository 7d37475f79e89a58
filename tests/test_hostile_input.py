"""Hostile input over HTTP: markup in every text, overlong texts, ids of another journey, forged requests, floods.

Every case asserts the clear answer and that the database did not change. (WebSocket frames: see the live-sync tests.)
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from boards.svg_export import journey_svg
from journeys.models import (
    Department,
    Event,
    Handoff,
    Journey,
    Lane,
    Membership,
    PainPoint,
    PainPointActivity,
    Step,
)
from live import fragments
from tests.factories import link, make_department, make_journey, make_pain_point, make_step, make_user
from web.ratelimit import change_allowed

pytestmark = pytest.mark.django_db

# Breaks out of text, of double- and single-quoted attributes, and tries an event handler: all must stay text.
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
PAYLOAD = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>"
RAW_MARKERS = ("<script>alert(1)", "<img src=x", "'><", "\"'>")


def row_counts() -> dict[str, int]:
    models = (Journey, Department, Lane, Step, Handoff, PainPoint, PainPointActivity, Event, Membership)
    return {model.__name__: model.objects.count() for model in models}


def snapshot(journey: Journey) -> tuple:
    """Everything on a journey that a change could touch, to compare before and after a refused request."""
    return (
        row_counts(),
        Journey.objects.filter(pk=journey.pk).values_list("title", "seq").first(),
        list(Step.objects.filter(journey=journey).values_list("title", "description", "department", "position")),
        list(Handoff.objects.filter(journey=journey).values_list("from_step", "to_step", "label")),
        list(PainPoint.objects.filter(journey=journey).values_list("text", "severity", "status")),
        list(Lane.objects.filter(journey=journey).values_list("department", "position")),
    )


def client_for(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def assert_escaped(html: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"{marker!r} unescaped in {where}"


# Markup everywhere ----------------------------------------------------------------------------------------------


@pytest.fixture
def hostile_board():
    """A journey whose every text holds markup, entered through the same forms the board uses."""
    user = make_user()
    department = make_department(name=PAYLOAD[:80])
    client = client_for(user)
    client.post(reverse("journey_list"), {"title": PAYLOAD, "description": PAYLOAD})
    journey = Journey.objects.get(title=PAYLOAD)
    add = reverse("step_create", args=[journey.pk])
    assert client.post(add, {"title": PAYLOAD, "department": department.pk}).status_code == 200
    assert client.post(add, {"title": "Second", "department": department.pk}).status_code == 200
    first, second = Step.objects.filter(journey=journey).order_by("position")
    edit = reverse("step_edit", args=[journey.pk, first.pk])
    response = client.post(edit, {"title": PAYLOAD, "description": PAYLOAD, "base_version": first.version})
    assert response.status_code == 200
    response = client.post(
        reverse("handoff_create", args=[journey.pk, first.pk]), {"to_step": second.pk, "label": PAYLOAD}
    )
    assert response.status_code == 200
    response = client.post(
        reverse("pain_point_create", args=[journey.pk, first.pk]),
        {"text": PAYLOAD, "severity": "high", "responsible_departments": [department.pk]},
    )
    assert response.status_code == 200
    assert PainPoint.objects.get(journey=journey).text == PAYLOAD  # stored as typed, escaped only when shown
    return client, journey, first


def test_markup_in_every_text_is_escaped_on_every_page(hostile_board):
    client, journey, step = hostile_board
    pages = {
        "journey list": reverse("journey_list"),
        "board": reverse("board", args=[journey.pk]),
        "step detail": reverse("step_detail", args=[journey.pk, step.pk]),
        "step editor": reverse("step_edit", args=[journey.pk, step.pk]),
        "pain point editor": reverse("pain_point_edit", args=[journey.pk, PainPoint.objects.get().pk]),
        "copy form": reverse("journey_copy", args=[journey.pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert_escaped(html, name)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name


def test_markup_in_every_text_is_escaped_in_pushed_fragments(hostile_board):
    _client, journey, step = hostile_board
    targets = {
        "layout": True,
        "step": step.pk,
        "handoff": Handoff.objects.get().pk,
        "pain_point": PainPoint.objects.get().pk,
    }
    for changed in (targets, {"step": step.pk}, {"step": step.pk, "pain_point": targets["pain_point"]}):
        html = fragments.render_changes(journey, changed)
        assert_escaped(html, f"fragments for {changed}")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markup_in_every_text_is_escaped_in_the_svg_export(hostile_board):
    client, journey, _step = hostile_board
    svg = client.get(reverse("journey_export_svg", args=[journey.pk])).content.decode()
    assert_escaped(svg, "SVG export")
    assert svg == journey_svg(journey)
    assert "&lt;script&gt;" in svg


def test_markup_in_an_import_file_is_escaped_in_the_error_message():
    client = client_for(make_user())
    before = row_counts()
    raw = json.dumps({"format": "journey-board", "version": PAYLOAD}).encode()
    response = client.post(reverse("journey_import"), {"file": SimpleUploadedFile("j.json", raw)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Unknown format version" in html
    assert_escaped(html, "import errors")
    assert row_counts() == before


# Texts over the length limits -----------------------------------------------------------------------------------


def test_texts_over_the_length_limits_are_refused_with_a_message():
    user = make_user()
    department = make_department()
    journey = make_journey(facilitator=user)
    step = make_step(journey, department=department)
    other = make_step(journey, title="Other", department=department)
    handoff = link(journey, step, other)
    pain_point = make_pain_point(step, [department])
    client = client_for(user)
    cases = [
        (reverse("journey_list"), {"title": "x" * 201}, "at most 200 characters"),
        (reverse("journey_list"), {"title": "ok", "description": "x" * 2001}, "at most 2000 characters"),
        (reverse("step_create", args=[journey.pk]), {"title": "x" * 121}, "at most 120 characters"),
        (
            reverse("step_edit", args=[journey.pk, step.pk]),
            {"title": "ok", "description": "x" * 2001, "base_version": step.version},
            "at most 2000 characters",
        ),
        (
            reverse("handoff_create", args=[journey.pk, other.pk]),
            {"to_step": step.pk, "label": "x" * 81},
            "at most 80 characters",
        ),
        (
            reverse("handoff_update", args=[journey.pk, handoff.pk]),
            {"label": "x" * 81, "base_version": handoff.version},
            "at most 80 characters",
        ),
        (
            reverse("pain_point_create", args=[journey.pk, step.pk]),
            {"text": "x" * 301, "severity": "low", "responsible_departments": [department.pk]},
            "at most 300 characters",
        ),
        (
            reverse("pain_point_edit", args=[journey.pk, pain_point.pk]),
            {"text": "x" * 301, "severity": "low", "responsible_departments": [department.pk], "base_version": 1},
            "at most 300 characters",
        ),
        (reverse("journey_copy", args=[journey.pk]), {"title": "x" * 201}, "at most 200 characters"),
    ]
    before = snapshot(journey)
    for url, data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 422, url
        assert message in response.content.decode(), url
        assert snapshot(journey) == before, url


# Ids of another journey -----------------------------------------------------------------------------------------


@pytest.fixture
def two_journeys():
    """Mine (with a member) and theirs; every id of theirs used through every URL of mine, and directly."""
    me, them = make_user(), make_user()
    department = make_department()
    mine, theirs = make_journey(facilitator=me), make_journey(facilitator=them)
    ids = {}
    for journey, prefix in ((mine, "my"), (theirs, "their")):
        first = make_step(journey, department=department)
        second = make_step(journey, title="Second", department=department)
        ids[f"{prefix}_step"] = first.pk
        ids[f"{prefix}_other_step"] = second.pk
        ids[f"{prefix}_handoff"] = link(journey, first, second).pk
        ids[f"{prefix}_pain_point"] = make_pain_point(first, [department]).pk
    return me, mine, theirs, department, ids


def foreign_urls(mine: Journey, theirs: Journey, ids: dict[str, int]) -> list[tuple[str, str]]:
    """(method, url): their things under my journey, and their journey itself."""
    urls = []
    for journey in (mine.pk, theirs.pk):
        step, handoff, pain_point = ids["their_step"], ids["their_handoff"], ids["their_pain_point"]
        urls += [
            ("get", reverse("step_detail", args=[journey, step])),
            ("get", reverse("step_edit", args=[journey, step])),
            ("post", reverse("step_edit", args=[journey, step])),
            ("post", reverse("step_move", args=[journey, step])),
            ("post", reverse("step_delete", args=[journey, step])),
            ("post", reverse("handoff_create", args=[journey, step])),
            ("post", reverse("handoff_update", args=[journey, handoff])),
            ("post", reverse("handoff_delete", args=[journey, handoff])),
            ("post", reverse("pain_point_create", args=[journey, step])),
            ("get", reverse("pain_point_edit", args=[journey, pain_point])),
            ("post", reverse("pain_point_edit", args=[journey, pain_point])),
            ("post", reverse("pain_point_delete", args=[journey, pain_point])),
        ]
    journey = theirs.pk
    urls += [
        ("get", reverse("board", args=[journey])),
        ("post", reverse("lane_add", args=[journey])),
        ("post", reverse("lane_move", args=[journey])),
        ("post", reverse("step_create", args=[journey])),
        ("get", reverse("journey_export", args=[journey])),
        ("get", reverse("journey_export_svg", args=[journey])),
        ("get", reverse("journey_copy", args=[journey])),
        ("post", reverse("journey_copy", args=[journey])),
    ]
    return urls


def test_ids_of_another_journey_get_404_and_change_nothing(two_journeys):
    me, mine, theirs, department, ids = two_journeys
    client = client_for(me)
    # Valid-looking data, so only the id can be what is refused.
    data = {
        "title": "Taken over",
        "label": "x",
        "text": "Taken over",
        "severity": "high",
        "responsible_departments": [department.pk],
        "department": department.pk,
        "to_step": ids["their_other_step"],
        "offset": "1",
        "base_version": 1,
    }
    before = snapshot(mine), snapshot(theirs)
    for method, url in foreign_urls(mine, theirs, ids):
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, (method, url)
        assert (snapshot(mine), snapshot(theirs)) == before, (method, url)


def test_form_fields_naming_a_step_of_another_journey_are_refused(two_journeys):
    me, mine, theirs, department, ids = two_journeys
    client = client_for(me)
    before = snapshot(mine), snapshot(theirs)
    cases = [
        (reverse("handoff_create", args=[mine.pk, ids["my_step"]]), {"to_step": ids["their_step"]}),
        (
            reverse("step_move", args=[mine.pk, ids["my_step"]]),
            {"department": department.pk, "after": ids["their_step"], "base_version": 1},
        ),
        (reverse("step_create", args=[mine.pk]), {"title": "New", "after": ids["their_step"]}),
    ]
    for url, data in cases:
        response = client.post(url, data)
        assert response.status_code == 422, url
        assert "That step is not on this journey." in response.content.decode(), url
        assert (snapshot(mine), snapshot(theirs)) == before, url


# Forged requests ------------------------------------------------------------------------------------------------


def test_changes_without_or_with_a_wrong_csrf_token_are_refused(two_journeys):
    me, mine, _theirs, department, ids = two_journeys
    client = client_for(me, csrf=True)
    client.get(reverse("board", args=[mine.pk]))  # sets the csrf cookie
    token = client.cookies["csrftoken"].value
    url = reverse("step_create", args=[mine.pk])
    data = {"title": "Forged", "department": department.pk}
    before = snapshot(mine)
    assert client.post(url, data).status_code == 403
    assert client.post(url, data, headers={"X-CSRFToken": "x" * 32}).status_code == 403
    assert client.post(url, {**data, "csrfmiddlewaretoken": "wrong"}).status_code == 403
    step_edit = reverse("step_edit", args=[mine.pk, ids["my_step"]])
    assert client.post(step_edit, {"title": "Forged", "base_version": 1}).status_code == 403
    import_response = client.post(
        reverse("journey_import"), {"file": SimpleUploadedFile("j.json", b"{}")}, headers={"X-CSRFToken": "nope"}
    )
    assert import_response.status_code == 403
    assert snapshot(mine) == before
    # The same request with the real token goes through: the refusals above were the token's doing.
    assert client.post(url, data, headers={"X-CSRFToken": token}).status_code == 200
    assert Step.objects.filter(journey=mine, title="Forged").exists()


# Floods ---------------------------------------------------------------------------------------------------------


def test_a_flood_of_changes_from_one_user_is_limited_and_other_users_are_not(settings, two_journeys):
    settings.BOARD_CHANGES_PER_MINUTE = 5
    me, mine, theirs, department, _ids = two_journeys
    colleague = make_user()
    Membership.objects.create(journey=mine, user=colleague)
    Membership.objects.create(journey=theirs, user=me)
    flooder = client_for(me)
    url = reverse("step_create", args=[mine.pk])
    for index in range(5):
        assert flooder.post(url, {"title": f"Step {index}", "department": department.pk}).status_code == 200
    before = snapshot(mine)

    response = flooder.post(url, {"title": "One too many", "department": department.pk})

    assert response.status_code == 429
    assert 50 <= int(response["Retry-After"]) <= 70
    html = response.content.decode()
    assert 'id="conflict-region"' in html and 'hx-swap-oob="true"' in html
    assert "You made very many changes in the last minute, so this one was not saved." in html
    assert snapshot(mine) == before
    other = client_for(colleague).post(url, {"title": "Colleague's step", "department": department.pk})
    assert other.status_code == 200
    elsewhere = reverse("step_create", args=[theirs.pk])
    assert flooder.post(elsewhere, {"title": "Other journey", "department": department.pk}).status_code == 200
    assert flooder.get(reverse("board", args=[mine.pk])).status_code == 200  # reading is not limited


def test_no_minute_ever_sees_more_changes_than_the_limit_not_even_across_a_minute_boundary():
    """Fixed one-minute windows let 192 changes through in 20 s; a client trying every 0.1 s for 5 minutes here."""
    accepted = [t / 10 for t in range(590, 3590) if change_allowed(user_id=1, journey_id=1, now=t / 10)]
    assert len(accepted) >= 4 * 120  # it is a limit, not a lock-out
    for index, start in enumerate(accepted):
        within_a_minute = [t for t in accepted[index:] if t < start + 60]
        assert len(within_a_minute) <= 120, start
    burst = [t for t in accepted if 59 <= t < 80]
    assert len(burst) <= 120


def test_a_refused_change_says_when_to_try_again_and_does_not_count():
    from web.ratelimit import board_changes, hit

    for _n in range(120):
        assert hit(board_changes(), "1:1", now=100.0) == 0
    wait = hit(board_changes(), "1:1", now=105.0)
    assert 55 <= wait <= 70
    assert hit(board_changes(), "1:1", now=105.0 + wait - 1) > 0  # not a second earlier
    assert hit(board_changes(), "1:1", now=105.0 + wait) == 0  # the refused ones did not count
    assert hit(board_changes(), "1:2", now=105.0) == 0  # another user


def test_starting_journeys_is_limited_per_user_whether_created_imported_or_copied(settings):
    settings.JOURNEYS_PER_USER_PER_HOUR = 3
    from exchange import services as exchange

    user, other = make_user(), make_user()
    journey = make_journey(facilitator=user)
    client = client_for(user)
    exported = json.dumps(exchange.journey_export(journey)).encode()
    assert client.post(reverse("journey_list"), {"title": "One"}).status_code == 302
    upload = SimpleUploadedFile("j.json", exported)
    assert client.post(reverse("journey_import"), {"file": upload}).status_code == 302
    assert client.post(reverse("journey_copy", args=[journey.pk]), {"title": "Three"}).status_code == 302
    before = row_counts()

    answers = [
        client.post(reverse("journey_list"), {"title": "Four"}),
        client.post(reverse("journey_import"), {"file": SimpleUploadedFile("j.json", exported)}),
        client.post(reverse("journey_copy", args=[journey.pk]), {"title": "Four"}),
    ]

    assert [answer.status_code for answer in answers] == [429, 429, 429]
    assert "You started 3 journeys in the last hour" in answers[0].content.decode()
    assert int(answers[0]["Retry-After"]) > 60
    assert row_counts() == before
    assert client.get(reverse("journey_list")).status_code == 200  # reading is not limited
    assert client_for(other).post(reverse("journey_list"), {"title": "Theirs"}).status_code == 302


def test_a_journey_stops_growing_at_its_limits_with_a_clear_message(settings):
    settings.JOURNEY_MAX_STEPS = 2
    settings.JOURNEY_MAX_HANDOFFS = 1
    settings.JOURNEY_MAX_PAIN_POINTS = 1
    user = make_user()
    department = make_department()
    journey = make_journey(facilitator=user)
    first, second = make_step(journey, department=department), make_step(journey, "Second", department=department)
    link(journey, first, second)
    make_pain_point(first, [department])
    client = client_for(user)
    before = snapshot(journey)
    answers = {
        "step": client.post(reverse("step_create", args=[journey.pk]), {"title": "Third"}),
        "hand-off": client.post(reverse("handoff_create", args=[journey.pk, second.pk]), {"to_step": first.pk}),
        "pain point": client.post(
            reverse("pain_point_create", args=[journey.pk, second.pk]),
            {"text": "Another", "severity": "low", "responsible_departments": [department.pk]},
        ),
    }
    for name, answer in answers.items():
        assert answer.status_code == 422, name
    assert "A journey can have at most 2 steps." in answers["step"].content.decode()
    assert "at most 1 hand-offs." in answers["hand-off"].content.decode()
    assert "at most 1 pain points." in answers["pain point"].content.decode()
    assert snapshot(journey) == before


@pytest.fixture
def strict_daphne(django_db_setup, transactional_db):
    """daphne on the test database allowing two changes a minute."""
    import os

    from django.conf import settings

    from conftest import free_port, start_daphne, stop_server

    env = {**os.environ, "SQLITE_PATH": str(settings.DATABASES["default"]["NAME"]), "BOARD_CHANGES_PER_MINUTE": "2"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = free_port()
    server = start_daphne(port, env)
    yield f"http://127.0.0.1:{port}"
    stop_server(server)


@pytest.mark.browser
def test_the_board_tells_a_flooding_user_to_slow_down(strict_daphne, page):
    from tests.factories import PASSWORD

    user = make_user()
    journey = make_journey(facilitator=user)
    page.goto(f"{strict_daphne}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{strict_daphne}/j/{journey.pk}/")
    for title in ("One", "Two"):
        page.fill("#new-step-title", title)
        page.click("#step-create-form button[type=submit]")
        page.locator(".step-card", has_text=title).wait_for()
    page.fill("#new-step-title", "Three")
    page.click("#step-create-form button[type=submit]")
    alert = page.locator("#conflict-region [role=alert]")
    alert.wait_for()
    assert "Slow down a little" in alert.inner_text()
    assert page.locator(".step-card", has_text="Three").count() == 0
    assert list(Step.objects.filter(journey=journey).values_list("title", flat=True)) == ["One", "Two"]
    page.click("[data-dismiss-conflict]")
    assert page.locator("#conflict-region [role=alert]").count() == 0


# Crafted paths and parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/static/%2e%2e/config/settings.py", "/static/../config/settings.py", "/static/..%2f..%2fetc/passwd"]
)
def test_a_static_path_climbing_out_of_the_static_folders_is_404(settings, path):
    from channels.testing import HttpCommunicator

    from config.asgi import application
    from tests.live_client import run_async

    async def scenario():
        return await HttpCommunicator(application, "GET", path, headers=[(b"host", b"127.0.0.1")]).get_response(
            timeout=5
        )

    response = run_async(scenario)
    assert response["status"] == 404
    assert b"SECRET_KEY" not in response["body"] and b"root:" not in response["body"]


# Crafted journey files ------------------------------------------------------------------------------------------


def export_of(journey: Journey) -> dict:
    from exchange import services as exchange

    return json.loads(json.dumps(exchange.journey_export(journey)))


def post_import(client: Client, raw: bytes):
    return client.post(reverse("journey_import"), {"file": SimpleUploadedFile("journey.json", raw)})


@pytest.fixture
def exported():
    """A real export with a step, a hand-off and a pain point with history, to spoil one way at a time."""
    user = make_user()
    department = make_department("Contact centre")
    journey = make_journey(facilitator=user)
    first, second = make_step(journey, department=department), make_step(journey, "Second", department=department)
    link(journey, first, second)
    make_pain_point(first, [department])
    return client_for(user), export_of(journey)


def spoiled(document: dict, change) -> bytes:
    change(document)
    return json.dumps(document).encode()


CRAFTED_FILES = {
    "deeply nested JSON": (lambda doc: None, b"[" * 100_000 + b"]" * 100_000, "more than 20 levels deep"),
    "nested just past the limit": (
        lambda doc: doc["journey"].__setitem__("description", json.loads("[" * 25 + "]" * 25)),
        None,
        "more than 20 levels deep",
    ),
    "a 5,000-digit integer": (None, b'{"format": "journey-board", "version": ' + b"9" * 5000 + b"}", "20 digits"),
    "an exponent past any float": (None, b'{"format": "journey-board", "version": 1e999}', "20 digits"),
    "NaN": (None, b'{"format": "journey-board", "version": NaN}', "NaN or Infinity"),
    "a list as a step key": (lambda doc: doc["steps"][0].__setitem__("key", [1]), None, "steps[0].key"),
    "an object as a hand-off end": (lambda doc: doc["handoffs"][0].__setitem__("to", {"a": 1}), None, "handoffs[0].to"),
    "a list as a pain point's step": (lambda doc: doc["pain_points"][0].__setitem__("step", [2]), None, "there is no"),
    "a lone surrogate": (lambda doc: doc["steps"][0].__setitem__("title", "\ud800 x"), None, "steps[0].title"),
    "a NUL in a title": (lambda doc: doc["steps"][0].__setitem__("title", "Agent\x00"), None, "control character"),
    "a control character in a department name": (
        lambda doc: doc["departments"][0].__setitem__("name", "Contact\x1bcentre"),
        None,
        "departments[0].name",
    ),
    "year 0001": (
        lambda doc: doc["pain_points"][0].__setitem__("created_at", "0001-01-01T00:00:00"),
        None,
        "from 1970 to 2100",
    ),
    "year 9999 as a target date": (
        lambda doc: doc["pain_points"][0].__setitem__("target_date", "9999-12-31"),
        None,
        "from 1970 to 2100",
    ),
}


@pytest.mark.parametrize("case", list(CRAFTED_FILES))
def test_a_crafted_journey_file_is_refused_with_a_message_and_nothing_saved(exported, case):
    client, document = exported
    change, raw, message = CRAFTED_FILES[case]
    before = row_counts()

    response = post_import(client, raw if raw is not None else spoiled(document, change))

    assert response.status_code == 422, case
    assert message in response.content.decode(), case
    assert row_counts() == before, case


def test_a_file_past_the_journey_limits_is_refused_before_its_rows_are_read(exported, settings):
    client, document = exported
    settings.JOURNEY_MAX_STEPS = 100
    document["steps"] = [{"key": n, "title": f"Step {n}"} for n in range(5_000)]
    before = row_counts()
    response = post_import(client, json.dumps(document).encode())
    assert response.status_code == 422
    assert "A journey can have at most 100 steps." in response.content.decode()
    assert row_counts() == before


def test_a_file_with_thousands_of_problems_lists_the_first_ones_and_counts_the_rest(exported):
    client, document = exported
    document["handoffs"] = [{"from": 1, "to": 1_000_000 + n} for n in range(900)]
    response = post_import(client, json.dumps(document).encode())
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count("there is no step with key") == 50
    assert "… and 850 more problems." in html
    assert len(html) < 100_000


def test_a_journey_file_with_a_byte_order_mark_is_read(exported):
    client, document = exported
    response = post_import(client, "\ufeff".encode() + json.dumps(document).encode())
    assert response.status_code == 302


# Crafted mirror CSV, workshop scores, filters -------------------------------------------------------------------


def post_scores_csv(client: Client, journey: Journey, text: str):
    upload = SimpleUploadedFile("scores.csv", text.encode())
    return client.post(reverse("customer_scores_import", args=[journey.pk]), {"file": upload})


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("journey,8,100000000000000000000", "at most 10,000,000"),
        ("journey,8,1000000000000", "at most 10,000,000"),
        ("journey,8," + "9" * 5000, "must be numbers"),
        ('journey,8,"' + "x" * 140_000 + '"', "cannot be read"),
        ("jour\x00ney,8,10", "No step"),
    ],
)
def test_a_crafted_mirror_csv_is_refused_with_a_message_and_nothing_saved(rows, message):
    from journeys.models import CustomerScore

    user = make_user()
    journey = make_journey(facilitator=user)
    response = post_scores_csv(client_for(user), journey, "step,score,responses\n" + rows + "\n")
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CustomerScore.objects.exists()


def test_a_csv_with_166000_bad_rows_answers_with_a_short_page():
    user = make_user()
    journey = make_journey(facilitator=user)
    response = post_scores_csv(client_for(user), journey, "step,score,responses\n" + "x,8,1\n" * 166_000)
    assert response.status_code == 422
    assert "… and 165950 more problems." in response.content.decode()
    assert len(response.content) < 100_000


def test_a_workshop_score_with_10_to_the_20_responses_is_refused():
    from workshops.models import ScoreMeasurement

    user = make_user()
    journey = make_journey(facilitator=user)
    client = client_for(user)
    url = reverse("workshop_indicator_measure", args=[journey.pk])
    response = client.post(url, {"measured_on": "2026-11-23", "value": "72", "responses": str(10**20)})
    assert response.status_code == 422
    assert "10000000" in response.content.decode().replace(".", "").replace(",", "")
    assert not ScoreMeasurement.objects.exists()


def test_a_dashboard_filter_with_an_id_too_long_for_the_database_is_400():
    manager = make_user(is_superuser=True)
    response = client_for(manager).get(reverse("dashboard") + "?department=" + "9" * 23)
    assert response.status_code == 400
    assert "That department does not exist." in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "field"),
    [("journey_list", "title"), ("step_create", "title"), ("journey_copy", "title")],
)
def test_control_characters_are_refused_in_forms_too(url_name, field):
    user = make_user()
    journey = make_journey(facilitator=user)
    url = reverse(url_name) if url_name == "journey_list" else reverse(url_name, args=[journey.pk])
    before = row_counts()
    response = client_for(user).post(url, {field: "Klant\x07 belt"})
    assert response.status_code == 422
    assert "invisible control character" in response.content.decode()
    assert row_counts() == before
