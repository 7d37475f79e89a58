from __future__ import annotations

import copy
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boards import rendering
from demo.data import load_demo
from exchange import services as exchange
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
from tests.factories import make_department, make_journey, make_user

pytestmark = pytest.mark.django_db

COUNTED = (Journey, Department, Lane, Step, Handoff, PainPoint, PainPointActivity, Event, Membership)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def board_without_ids(journey: Journey) -> str:
    """The rendered board map with everything that names a database row or a sequence number blanked out."""
    html = rendering.render_map(journey, oob=False)
    html = re.sub(r"/j/\d+/steps/\d+/", "/j/J/steps/S/", html)
    html = re.sub(r"/j/\d+/", "/j/J/", html)
    html = re.sub(r'(id="(?:step|handoff|arrow-label)-)\d+', r"\1N", html)
    html = re.sub(r'data-(step-id|seq|version|from|to)="\d+"', r'data-\1="N"', html)
    return html


@pytest.fixture
def demo():
    return load_demo()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_round_trip_gives_the_same_board(demo):
    original = demo.journey
    importer = make_user()
    data = json.loads(json.dumps(exchange.journey_export(original)))  # through real JSON text

    imported = exchange.journey_import(data=data, actor=importer)

    assert imported.pk != original.pk
    assert board_without_ids(imported) == board_without_ids(original)
    assert "Looks on the website" in board_without_ids(imported)
    assert imported.title == original.title
    assert Membership.objects.get(journey=imported).user == importer


def test_round_trip_keeps_pain_points_with_their_history(demo):
    original = demo.journey
    imported = exchange.journey_import(data=exchange.journey_export(original), actor=make_user())

    def summary(journey: Journey) -> list[tuple]:
        rows = []
        for p in PainPoint.objects.filter(journey=journey).order_by("created_at", "id"):
            history = [
                (a.kind, a.text, a.from_status, a.to_status, a.created_at)
                for a in p.activities.exclude(kind=PainPointActivity.Kind.IMPORTED)
            ]
            depts = sorted(d.name for d in p.responsible_departments.all())
            rows.append((p.step.title, p.text, p.severity, p.status, depts, p.created_at, p.solved_at, history))
        return rows

    assert summary(imported) == summary(original)
    assert any(row[3] == "solved" for row in summary(imported))
    assert all(row[7] for row in summary(imported))
    # The file's history is marked as imported; the import itself is the one entry measured here, at the end.
    for pain_point in PainPoint.objects.filter(journey=imported):
        *history, arrival = pain_point.activities.all()
        assert all(activity.imported for activity in history)
        assert (arrival.kind, arrival.imported, arrival.to_status) == ("imported", False, pain_point.status)
        assert pain_point.imported_at == arrival.created_at


def test_export_names_departments_and_steps_by_name_and_key(demo):
    data = exchange.journey_export(demo.journey)
    assert data["format"] == "journey-board" and data["version"] == 1
    assert {"name": "IT", "colour": "#5b6b7f"} in data["departments"]
    assert data["lanes"][:2] == ["Customer", "Contact centre"]
    keys = {step["key"] for step in data["steps"]}
    assert all(h["from"] in keys and h["to"] in keys for h in data["handoffs"])
    assert all(p["step"] in keys for p in data["pain_points"])


def test_an_administrator_importing_on_another_installation_may_add_a_missing_department_and_reuses_existing(demo):
    data = exchange.journey_export(demo.journey)
    Department.objects.filter(name="Finance").update(name="Finance (old)")  # as if this installation lacks it
    contact = Department.objects.get(name="Contact centre")
    contact.colour = "#000000"
    contact.save()

    imported = exchange.journey_import(data=data, actor=make_user(is_staff=True), chosen={"Finance": "new"})

    finance = Department.objects.get(name="Finance")
    assert finance.colour == "#3f9142"
    assert Step.objects.filter(journey=imported, department=finance).exists()
    assert Department.objects.get(name="Contact centre").colour == "#000000"  # existing keeps its colour
    assert Lane.objects.filter(journey=imported).count() == 5


def test_copy_as_template_keeps_steps_lanes_and_handoffs_without_pain_points(demo):
    original = demo.journey
    copy_ = exchange.journey_copy(journey=original, actor=make_user(), title="I am moving abroad")
    assert copy_.title == "I am moving abroad"
    assert Step.objects.filter(journey=copy_).count() == Step.objects.filter(journey=original).count()
    assert Handoff.objects.filter(journey=copy_).count() == Handoff.objects.filter(journey=original).count()
    assert not PainPoint.objects.filter(journey=copy_).exists()
    assert re.sub(r"⚑ \d+", "", board_without_ids(copy_)) != ""
    with_pain = exchange.journey_copy(journey=original, actor=make_user(), title="x", include_pain_points=True)
    assert PainPoint.objects.filter(journey=with_pain).count() == PainPoint.objects.filter(journey=original).count()


def test_pain_points_copied_with_a_template_start_over_so_nobody_counts_their_fixes_twice(demo):
    original = demo.journey
    assert PainPoint.objects.filter(journey=original).exclude(status="open").exists()
    settled_before = PainPoint.objects.exclude(status="open").count()

    copy_ = exchange.journey_copy(journey=original, actor=make_user(), title="Moving abroad", include_pain_points=True)

    copied = PainPoint.objects.filter(journey=copy_)
    assert {p.status for p in copied} == {"open"}
    assert not any(p.fix_description or p.resolution or p.target_date or p.solved_at for p in copied)
    assert not PainPointActivity.objects.filter(pain_point__journey=copy_).exclude(kind="created").exists()
    assert all(timezone.localtime(p.created_at).date() == timezone.localdate() for p in copied)
    assert PainPoint.objects.exclude(status="open").count() == settled_before  # nobody's fix counted twice


def bad_documents(valid: dict) -> list[tuple[str, dict, str]]:
    cases = []

    def case(name: str, change, expected: str) -> None:
        document = copy.deepcopy(valid)
        change(document)
        cases.append((name, document, expected))

    case("unknown version", lambda d: d.update(version=99), "Unknown format version 99")
    case("not an export", lambda d: d.update(format="something"), "not a Journey Board export")
    case("hand-off to a missing step", lambda d: d["handoffs"][0].update(to=999), "handoffs[0].to")
    case("wrong type", lambda d: d["steps"][1].update(duration_minutes="ten"), "steps[1].duration_minutes")
    case("title is a list", lambda d: d["steps"][0].update(title=["x"]), "steps[0].title: expected text")
    case("title too long", lambda d: d["steps"][2].update(title="x" * 121), "longer than 120 characters")
    case("pain point too long", lambda d: d["pain_points"][0].update(text="x" * 301), "longer than 300 characters")
    case("unknown department", lambda d: d["steps"][0].update(department="Marketing"), "'Marketing'")
    case("bad colour", lambda d: d["departments"][0].update(colour="red;"), "departments[0].colour")
    case("bad severity", lambda d: d["pain_points"][0].update(severity="awful"), "pain_points[0].severity")
    case("bad date", lambda d: d["pain_points"][0].update(created_at="yesterday"), "pain_points[0].created_at")
    case("self hand-off", lambda d: d["handoffs"][0].update(to=d["handoffs"][0]["from"]), "same one")
    case("duplicate key", lambda d: d["steps"][1].update(key=d["steps"][0]["key"]), "used by two steps")
    case("steps not a list", lambda d: d.update(steps={"a": 1}), "steps: expected a list")
    # A valid step after an invalid one: the valid part must not be saved either.
    case("last pain point invalid", lambda d: d["pain_points"][-1].update(step="nope"), "pain_points[7].step")
    return cases


def test_import_refuses_every_bad_document_naming_the_problem_and_saves_nothing(demo):
    valid = exchange.journey_export(demo.journey)
    importer = make_user()
    before = row_counts()
    for name, document, expected in bad_documents(valid):
        with pytest.raises(exchange.ValidationError) as error:
            exchange.journey_import(data=document, actor=importer)
        assert any(expected in message for message in error.value.messages), (name, error.value.messages)
        assert row_counts() == before, name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "it cannot be read from line 1, column 2."),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[1, 2]", "expected an object"),
        (b'{"format": "journey-board", "version": "1"}', "Unknown format version &#x27;1&#x27;"),
    ],
)
def test_import_view_shows_what_is_wrong_with_the_file_and_saves_nothing(raw, expected):
    user = make_user()
    client = logged_in(user)
    before = row_counts()
    response = client.post(reverse("journey_import"), {"file": SimpleUploadedFile("j.json", raw)})
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert row_counts() == before


def test_import_view_refuses_a_file_over_the_size_limit(settings):
    settings.JOURNEY_IMPORT_MAX_BYTES = 1024
    client = logged_in(make_user())
    before = row_counts()
    raw = json.dumps({"format": "journey-board", "padding": "x" * 2000}).encode()
    response = client.post(reverse("journey_import"), {"file": SimpleUploadedFile("j.json", raw)})
    assert response.status_code == 422
    assert "the limit is 1 KB" in response.content.decode()
    assert row_counts() == before


def test_export_then_import_through_the_views(demo):
    anna = demo.journey.created_by
    client = logged_in(anna)
    exported = client.get(reverse("journey_export", args=[demo.journey.pk]))
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith('attachment; filename="i-am-moving-change-my-address-')
    before = set(Journey.objects.values_list("pk", flat=True))
    response = client.post(reverse("journey_import"), {"file": SimpleUploadedFile("j.json", exported.content)})
    new = Journey.objects.exclude(pk__in=before).get()
    assert response.status_code == 302 and response["Location"] == reverse("board", args=[new.pk])
    assert board_without_ids(new) == board_without_ids(demo.journey)


def test_copy_view_makes_a_template_for_the_member(demo):
    bram = get_user("bram")
    client = logged_in(bram)
    assert client.get(reverse("journey_copy", args=[demo.journey.pk])).status_code == 200
    response = client.post(reverse("journey_copy", args=[demo.journey.pk]), {"title": "I am getting married"})
    new = Journey.objects.get(title="I am getting married")
    assert response["Location"] == reverse("board", args=[new.pk])
    assert Membership.objects.get(journey=new).user == bram
    assert not PainPoint.objects.filter(journey=new).exists()


def test_copy_view_refuses_an_overlong_title_and_saves_nothing(demo):
    client = logged_in(demo.journey.created_by)
    before = row_counts()
    response = client.post(reverse("journey_copy", args=[demo.journey.pk]), {"title": "x" * 201})
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    assert row_counts() == before


def test_non_member_gets_404_for_export_and_copy(demo):
    client = logged_in(make_user())
    before = row_counts()
    for name in ("journey_export", "journey_export_svg", "journey_copy"):
        assert client.get(reverse(name, args=[demo.journey.pk])).status_code == 404, name
    assert client.post(reverse("journey_copy", args=[demo.journey.pk]), {"title": "mine"}).status_code == 404
    assert row_counts() == before


def test_anonymous_user_is_sent_to_log_in_for_import():
    response = Client().get(reverse("journey_import"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_export_of_a_small_journey_without_departments():
    journey = make_journey()
    make_department("Unused")
    data = exchange.journey_export(journey)
    assert data["departments"] == [] and data["steps"] == []
    imported = exchange.journey_import(data=data, actor=make_user())
    assert imported.title == journey.title


def get_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@pytest.fixture
def step_notes_section():
    """A section another area could register: a note per step, kept in the step's description."""

    def export(journey: Journey, keys: dict[int, int]) -> list[dict]:
        return [{"step": keys[s.pk], "note": s.description} for s in Step.objects.filter(journey=journey)]

    def check(value, keys: set) -> list[str]:
        if not isinstance(value, list):
            return ["step_notes: expected a list"]
        return [f"step_notes[{i}].step: no such step" for i, item in enumerate(value) if item.get("step") not in keys]

    def write(journey: Journey, value, steps: dict) -> None:
        for item in value:
            Step.objects.filter(pk=steps[item["step"]].pk).update(description=f"note: {item['note']}")

    exchange.register_section("step_notes", exchange.ExportSection(export, check, write))
    yield
    del exchange.EXPORT_SECTIONS["step_notes"]


def test_registered_sections_travel_with_the_file_and_are_checked_first(demo, step_notes_section):
    data = exchange.journey_export(demo.journey)
    assert len(data["step_notes"]) == Step.objects.filter(journey=demo.journey).count()
    imported = exchange.journey_import(data=data, actor=make_user())
    assert Step.objects.filter(journey=imported, description__startswith="note: ").count() == len(data["step_notes"])

    data["step_notes"][0]["step"] = 999
    before = row_counts()
    with pytest.raises(exchange.ValidationError) as error:
        exchange.journey_import(data=data, actor=make_user())
    assert error.value.messages == ["step_notes[0].step: no such step"]
    assert row_counts() == before


def test_round_trip_keeps_empty_lanes_steps_without_a_department_and_loops():
    from journeys import services
    from tests.factories import link, make_step

    journey = make_journey()
    customer, empty = make_department("Customer"), make_department("Empty lane")
    services.lane_add(journey=journey, department=empty, actor=journey.created_by)
    first = make_step(journey, title="Asks", department=customer, channel="phone", duration_minutes=5)
    loose = make_step(journey, title="Nobody owns this yet", department=None, description="line one\nline two")
    last = make_step(journey, title="Calls again", department=customer)
    link(journey, first, loose, label="forwarded")
    link(journey, loose, last)
    link(journey, last, first, label="repeat contact")  # a loop

    imported = exchange.journey_import(data=exchange.journey_export(journey), actor=make_user())

    assert board_without_ids(imported) == board_without_ids(journey)
    assert "Nobody owns this yet" in board_without_ids(imported) and "loop" in board_without_ids(imported)
    assert list(Lane.objects.filter(journey=imported).values_list("department__name", flat=True)) == [
        "Empty lane",
        "Customer",
    ]
    assert Step.objects.get(journey=imported, title="Nobody owns this yet").description == "line one\nline two"
