"""Small things in the step panel's forms that people run into: a duration that is not a number, labels that point at
the right field, and the Dutch header of the pain point export's link column."""

from __future__ import annotations

import csv
import io
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from journeys.models import Handoff, Journey, Membership, Step
from tests.factories import make_department, make_journey, make_pain_point, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only; nothing to protect


@pytest.fixture
def contact():
    return make_department("Contact centre")


@pytest.fixture
def journey(contact) -> Journey:
    journey = make_journey(title="I am moving")
    make_step(journey, "Fills in the web form", contact, duration_minutes=10)
    make_step(journey, "Re-keys the address", contact)
    return journey


@pytest.fixture
def member_client(journey) -> Client:
    client = Client()
    client.force_login(journey.created_by)
    return client


def htmx_get(client: Client, name: str, **kwargs):
    return client.get(reverse(name, kwargs=kwargs), headers={"HX-Request": "true"})


def htmx_post(client: Client, name: str, data: dict, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), data, headers={"HX-Request": "true"})


class Fields(HTMLParser):
    """The ids in a piece of HTML, the form each one is in, and what each label points at."""

    def __init__(self) -> None:
        super().__init__()
        self.forms = 0
        self.form_stack: list[int] = []
        self.ids: list[str] = []
        self.form_of: dict[str, int | None] = {}
        self.tag_of: dict[str, str] = {}
        self.attrs_of: dict[str, dict[str, str]] = {}
        self.labels: list[tuple[str, int | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms += 1
            self.form_stack.append(self.forms)
        form = self.form_stack[-1] if self.form_stack else None
        if "id" in attributes:
            self.ids.append(attributes["id"])
            self.form_of[attributes["id"]] = form
            self.tag_of[attributes["id"]] = tag
            self.attrs_of[attributes["id"]] = attributes
        if tag == "label" and "for" in attributes:
            self.labels.append((attributes["for"], form))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form_stack:
            self.form_stack.pop()


def fields_of(html: str) -> Fields:
    parser = Fields()
    parser.feed(html)
    return parser


def assert_each_label_names_one_field_of_its_own_form(html: str) -> None:
    fields = fields_of(html)
    duplicates = [id_ for id_, count in Counter(fields.ids).items() if count > 1]
    assert not duplicates, f"ids used more than once: {duplicates}"
    for target, form in fields.labels:
        assert target in fields.form_of, f"a label points at #{target}, which is not there"
        assert fields.form_of[target] == form, f"the label for #{target} is in another form than its field"
        assert fields.tag_of[target] in ("input", "select", "textarea"), target


# 1. A duration that is not a whole number is refused with a message; nothing is saved ---------------------------


def test_the_duration_field_sends_what_was_typed_so_the_board_can_check_it(journey, member_client):
    step = journey.steps.get(title="Fills in the web form")
    html = htmx_get(member_client, "step_edit", journey_id=journey.pk, step_id=step.pk).content.decode()
    duration = fields_of(html).attrs_of[f"step-{step.pk}-duration"]
    # A type=number field sends "" for text the browser cannot read ("12e"): that would clear the duration unseen.
    assert duration["type"] == "text"
    assert duration["inputmode"] == "numeric"
    assert duration["value"] == "10"


@pytest.mark.parametrize("typed", ["12e", "999999999991e", "1.5", "ten", "1e3"])
def test_a_duration_that_is_not_a_whole_number_is_refused_and_nothing_is_saved(journey, member_client, typed):
    step = journey.steps.get(title="Fills in the web form")
    data = {"title": "Fills in the form", "duration_minutes": typed, "base_version": step.version}
    response = htmx_post(member_client, "step_edit", data, journey_id=journey.pk, step_id=step.pk)

    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter the duration as a whole number of minutes, e.g. 15." in html
    duration = fields_of(html).attrs_of[f"step-{step.pk}-duration"]
    assert duration["value"] == typed  # what was typed stays in the field, to correct it
    assert duration["aria-invalid"] == "true"
    assert fields_of(html).attrs_of[duration["aria-describedby"]]  # the message is tied to the field
    fresh = Step.objects.get(pk=step.pk)
    assert (fresh.title, fresh.duration_minutes, fresh.version) == ("Fills in the web form", 10, step.version)


def test_the_duration_message_is_dutch_on_a_dutch_board(journey, member_client):
    step = journey.steps.get(title="Fills in the web form")
    data = {"title": "Vult het formulier in", "duration_minutes": "12e", "base_version": step.version}
    with translation.override("nl"):
        response = member_client.post(
            reverse("step_edit", kwargs={"journey_id": journey.pk, "step_id": step.pk}),
            data,
            headers={"HX-Request": "true", "Accept-Language": "nl"},
        )
    assert response.status_code == 422
    assert "Vul de duur in als een heel aantal minuten, bijvoorbeeld 15." in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-3", "greater than or equal to 0"), ("100001", "less than or equal to 100000")],
)
def test_negative_or_huge_durations_still_get_their_own_message(journey, member_client, typed, message):
    step = journey.steps.get(title="Fills in the web form")
    data = {"title": "Fills in the form", "duration_minutes": typed, "base_version": step.version}
    response = htmx_post(member_client, "step_edit", data, journey_id=journey.pk, step_id=step.pk)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Step.objects.get(pk=step.pk).duration_minutes == 10


@pytest.mark.parametrize(("typed", "saved"), [("25", 25), (" 7 ", 7), ("", None)])
def test_a_whole_number_or_nothing_is_still_saved(journey, member_client, typed, saved):
    step = journey.steps.get(title="Fills in the web form")
    data = {"title": "Fills in the web form", "duration_minutes": typed, "base_version": step.version}
    response = htmx_post(member_client, "step_edit", data, journey_id=journey.pk, step_id=step.pk)
    assert response.status_code == 200, response.content.decode()
    assert Step.objects.get(pk=step.pk).duration_minutes == saved


# 2 and 3. Every label in the step panel names one field, in its own form -----------------------------------------


def test_the_pain_point_forms_labels_name_their_own_fields(journey, member_client, contact):
    step = journey.steps.get(title="Re-keys the address")
    pain_point = make_pain_point(step, [contact], text="Typos")
    drawer = htmx_get(member_client, "step_detail", journey_id=journey.pk, step_id=step.pk).content.decode()
    editor = htmx_get(
        member_client, "pain_point_edit", journey_id=journey.pk, pain_point_id=pain_point.pk
    ).content.decode()

    # The edit form takes the place of its empty slot in the panel, next to the form that adds a pain point.
    slot = f'<div id="pain-point-editor-{step.pk}"></div>'
    assert slot in drawer
    panel = drawer.replace(slot, editor)
    assert_each_label_names_one_field_of_its_own_form(panel)
    fields = fields_of(panel)
    assert "" not in {target.split("-")[0] for target, _form in fields.labels}  # no id starts with "-"


def test_pain_point_field_ids_differ_from_step_to_step(journey, member_client):
    drawers = [
        htmx_get(member_client, "step_detail", journey_id=journey.pk, step_id=step.pk).content.decode()
        for step in journey.steps.all()
    ]
    # Two panels' add forms (one panel replaces the other; htmx may briefly hold both): no id is shared.
    assert_each_label_names_one_field_of_its_own_form("".join(drawers))


def test_the_new_hand_off_label_is_not_mistaken_for_an_existing_hand_offs_label(journey, member_client):
    source, target = journey.steps.order_by("pk")
    Handoff.objects.filter(pk=source.pk).delete()
    # The numbers of a step and of one of its hand-offs can be the same; here they are.
    Handoff.objects.create(pk=source.pk, journey=journey, from_step=source, to_step=target, label="web form")
    drawer = htmx_get(member_client, "step_detail", journey_id=journey.pk, step_id=source.pk).content.decode()

    assert_each_label_names_one_field_of_its_own_form(drawer)
    fields = fields_of(drawer)
    existing = fields.attrs_of[f"handoff-{source.pk}-label"]  # the saved hand-off's label keeps its id
    assert existing["value"] == "web form"
    new = [fields.attrs_of[id_] for id_, form in fields.labels if form == fields.form_of[f"handoff-form-{source.pk}"]]
    assert [field["name"] for field in new] == ["to_step", "label"]
    assert all(field.get("value", "") == "" for field in new if field["name"] == "label")


# 4. The export's link column is called "Link" in Dutch too (not "Verbinden", the hand-off button) -----------------


def test_the_dutch_pain_point_export_calls_the_link_column_link(journey, contact):
    owner = make_user("carla", departments=[contact])
    Membership.objects.create(journey=journey, user=owner)
    make_pain_point(journey.steps.first(), [contact], text="Nobody says what happens next")
    client = Client()
    client.force_login(owner)
    with translation.override("nl"):
        response = client.get(reverse("my_pain_points_csv"), headers={"Accept-Language": "nl"})
    header, row = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    assert "Verbinden" not in header
    assert header[-1] == "Link"
    assert row[-1].startswith("http") and "/pain-points/" in row[-1]

    # The hand-off button in the step panel keeps its own Dutch word.
    client.force_login(journey.created_by)
    step = journey.steps.first()
    with translation.override("nl"):
        drawer = client.get(
            reverse("step_detail", kwargs={"journey_id": journey.pk, "step_id": step.pk}),
            headers={"HX-Request": "true", "Accept-Language": "nl"},
        ).content.decode()
    assert ">Verbinden</button>" in drawer
