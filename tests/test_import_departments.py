"""Departments are the organisation's: an import maps a file's departments onto existing ones (same name, any case,
look-alike letters) and asks the importer to choose for the rest; only an administrator may have one added."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from exchange import services as exchange
from exchange.departments import departments_matching, skeleton
from journeys.models import Department, Event, Journey, Lane, PainPoint, Step
from tests.factories import make_department, make_journey, make_pain_point, make_step, make_user

pytestmark = pytest.mark.django_db

CYRILLIC_CUSTOMER = "\u0421ustomer"  # "Сustomer": its first letter is the Cyrillic Es


def journey_file(*departments: str) -> dict:
    """A file with one step per department and a pain point on the first one, tagged with every department."""
    return {
        "format": "journey-board",
        "version": 1,
        "journey": {"title": "I am moving"},
        "departments": [{"name": name, "colour": "#336699"} for name in departments],
        "lanes": list(departments),
        "steps": [{"key": i, "title": f"Step in {name}", "department": name} for i, name in enumerate(departments, 1)],
        "pain_points": [{"step": 1, "text": "Nobody calls back", "responsible_departments": list(departments)}],
    }


def saved() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Department, Journey, Lane, Step, PainPoint, Event))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, document: dict):
    raw = json.dumps(document, ensure_ascii=False).encode()
    return client.post("/import/", {"file": SimpleUploadedFile("journey.json", raw, "application/json")})


# What looks the same -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Customer",
        "customer",
        "CUSTOMER",
        CYRILLIC_CUSTOMER,
        "\uff23\uff55\uff53\uff54\uff4f\uff4d\uff45\uff52",  # full-width letters
        "Cus\u200btomer",  # a zero-width space
        "Cust\u043emer",  # a Cyrillic o
        "  Customer ",
    ],
)
def test_names_that_look_like_customer_have_its_skeleton(name):
    assert skeleton(name) == skeleton("Customer")


def test_names_that_read_differently_keep_apart():
    assert len({skeleton(name) for name in ("Customer", "Customers", "IT", "HR", "Finance", "Contact centre")}) == 6
    assert skeleton("Financiën") == skeleton("Financien")


def test_a_file_name_matches_the_same_name_then_one_look_alike_and_else_asks():
    customer, finance = make_department("Customer"), make_department("Finance")

    match = departments_matching(["Customer", "finance", CYRILLIC_CUSTOMER, "Legal"])

    assert match.matched == {"Customer": customer, "finance": finance, CYRILLIC_CUSTOMER: customer}
    assert match.unmatched == ["Legal"]


def test_when_two_departments_look_alike_the_same_name_wins_and_another_look_alike_is_asked_for():
    customer, planted = make_department("Customer"), make_department(CYRILLIC_CUSTOMER)

    match = departments_matching(["Customer", CYRILLIC_CUSTOMER, "CUSTOMER"])

    assert match.matched == {"Customer": customer, CYRILLIC_CUSTOMER: planted}
    assert match.unmatched == ["CUSTOMER"]


# Importing ---------------------------------------------------------------------------------------------------------


def test_an_import_uses_the_organisations_departments_for_look_alike_names_and_adds_none():
    customer = make_department("Customer")
    before = Department.objects.count()

    journey = exchange.journey_import(data=journey_file(CYRILLIC_CUSTOMER, "customer"), actor=make_user())

    assert Department.objects.count() == before
    assert list(Lane.objects.filter(journey=journey).values_list("department", flat=True)) == [customer.pk]
    assert set(Step.objects.filter(journey=journey).values_list("department", flat=True)) == {customer.pk}
    assert list(PainPoint.objects.get(journey=journey).responsible_departments.all()) == [customer]


def test_an_import_naming_an_unknown_department_asks_which_one_and_saves_nothing():
    make_department("Customer")
    before = saved()

    with pytest.raises(exchange.DepartmentsToChoose) as refused:
        exchange.journey_import(data=journey_file("Customer", "Legal", "Tax"), actor=make_user())

    assert refused.value.names == ["Legal", "Tax"]
    assert saved() == before


def test_the_importer_chooses_an_existing_department_for_an_unknown_name():
    customer, it = make_department("Customer"), make_department("IT")

    journey = exchange.journey_import(data=journey_file("Customer", "ICT"), actor=make_user(), chosen={"ICT": it})

    assert Step.objects.get(journey=journey, title="Step in ICT").department == it
    assert not Department.objects.filter(name="ICT").exists()
    assert set(PainPoint.objects.get(journey=journey).responsible_departments.all()) == {customer, it}


def test_only_an_administrator_has_a_department_added_by_an_import():
    make_department("Customer")
    before = saved()
    with pytest.raises(ValidationError, match="Only an administrator can add a department"):
        exchange.journey_import(data=journey_file("Customer", "Legal"), actor=make_user(), chosen={"Legal": "new"})
    assert saved() == before

    exchange.journey_import(
        data=journey_file("Customer", "Legal"), actor=make_user(is_staff=True), chosen={"Legal": "new"}
    )

    assert Department.objects.filter(name="Legal").exists()


def test_an_administrator_cannot_add_a_department_that_looks_like_an_existing_one():
    make_department("Customer"), make_department(CYRILLIC_CUSTOMER)
    before = saved()

    with pytest.raises(ValidationError, match="looks like the department"):
        exchange.journey_import(
            data=journey_file("CUSTOMER"), actor=make_user(is_superuser=True), chosen={"CUSTOMER": "new"}
        )
    assert saved() == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<b>Customer</b>", "cannot hold < or >"),
        ("Contact\x07centre", "control character"),
        ("x" * 81, "longer than 80 characters"),
        ("   ", "must not be empty"),
    ],
)
def test_department_names_in_a_file_are_checked_like_the_forms_do(name, message):
    before = saved()

    with pytest.raises(ValidationError, match=message):
        exchange.journey_import(data=journey_file(name), actor=make_user(is_staff=True), chosen={name: "new"})
    assert saved() == before


def test_a_copy_keeps_its_departments_even_beside_a_look_alike():
    customer, planted = make_department("Customer"), make_department(CYRILLIC_CUSTOMER)
    original = make_journey(title="Moving")
    make_pain_point(make_step(original, department=planted), [planted, customer])

    copy = exchange.journey_copy(journey=original, actor=original.created_by, title="Moving", include_pain_points=True)

    assert Step.objects.get(journey=copy).department == planted
    assert set(PainPoint.objects.get(journey=copy).responsible_departments.all()) == {customer, planted}


# The pages ---------------------------------------------------------------------------------------------------------


def test_an_upload_with_unknown_departments_leads_to_the_choice_step_and_saves_nothing_yet():
    make_department("Customer"), make_department("IT")
    client = logged_in(make_user())
    before = saved()

    response = upload(client, journey_file(CYRILLIC_CUSTOMER, "ICT"))

    assert response.status_code == 302 and response["Location"] == "/import/departments/"
    assert saved() == before
    page = client.get("/import/departments/").content.decode()
    assert "“ICT” in the file" in page
    assert "Сustomer" not in page  # matched by its look
    assert "Add it as a new department" not in page  # not for someone who is no administrator


def test_the_choice_step_imports_with_the_chosen_department():
    it = make_department("IT")
    client = logged_in(make_user())
    upload(client, journey_file("ICT"))
    field = client.get("/import/departments/").context["form"].field_name("ICT")

    response = client.post("/import/departments/", {field: str(it.pk)})

    journey = Journey.objects.get(title="I am moving")
    assert response.status_code == 302 and response["Location"] == f"/j/{journey.pk}/"
    assert Step.objects.get(journey=journey).department == it
    assert client.get("/import/departments/").status_code == 409  # done: nothing waits any more


@pytest.mark.parametrize("choice", ["nonsense", "999999", "new", ""])
def test_a_bad_choice_is_refused_with_a_clear_message_and_nothing_saved(choice):
    make_department("IT")
    client = logged_in(make_user())
    upload(client, journey_file("ICT"))
    field = client.get("/import/departments/").context["form"].field_name("ICT")
    before = saved()

    response = client.post("/import/departments/", {field: choice})

    assert response.status_code == 422
    expected = "Choose a department for this one." if choice == "" else "Choose one of the departments in the list."
    assert expected in response.content.decode()
    assert saved() == before


def test_an_administrator_may_choose_to_add_the_department():
    client = logged_in(make_user(is_staff=True))
    upload(client, journey_file("Legal"))
    page = client.get("/import/departments/")
    assert "Add it as a new department" in page.content.decode()

    response = client.post("/import/departments/", {page.context["form"].field_name("Legal"): "new"})

    assert response.status_code == 302
    assert Step.objects.get(journey__title="I am moving").department.name == "Legal"


def test_another_user_cannot_reach_someone_elses_waiting_import():
    make_department("IT")
    upload(logged_in(make_user()), journey_file("ICT"))

    response = logged_in(make_user()).get("/import/departments/")

    assert response.status_code == 409
    assert "No imported file is waiting" in response.content.decode()


def test_the_choice_step_speaks_dutch():
    make_department("IT")
    client = logged_in(make_user())
    upload(client, journey_file("ICT"))

    page = client.get("/import/departments/", headers={"accept-language": "nl"}).content.decode()

    assert "Welke afdelingen?" in page


def test_a_new_upload_replaces_a_file_left_waiting_for_a_choice():
    it = make_department("IT")
    client = logged_in(make_user())
    upload(client, journey_file("ICT"))

    response = upload(client, journey_file("IT"))  # matches: imported at once

    assert response.status_code == 302 and Step.objects.get().department == it
    assert client.get("/import/departments/").status_code == 409
