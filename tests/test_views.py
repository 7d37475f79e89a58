"""The board's pages and htmx endpoints: membership, bad input, stale edits, replays, and the page's query count."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from journeys.models import Event, Handoff, Journey, LensQuestion, Membership, PainPoint, Step
from tests.factories import PASSWORD, link, make_department, make_journey, make_pain_point, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only; nothing to protect


@pytest.fixture
def customer():
    return make_department("Customer")


@pytest.fixture
def contact():
    return make_department("Contact centre")


@pytest.fixture
def journey(customer, contact) -> Journey:
    journey = make_journey(title="I am moving")
    a = make_step(journey, "Fills in the web form", customer)
    b = make_step(journey, "Re-keys the address", contact)
    link(journey, a, b, "web form")
    make_pain_point(b, [contact], text="Typos")
    return journey


@pytest.fixture
def member_client(journey) -> Client:
    client = Client()
    client.force_login(journey.created_by)
    return client


def step(journey: Journey, title: str) -> Step:
    return journey.steps.get(title=title)


def post(client: Client, name: str, data: dict, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), data, headers={"HX-Request": "true"})


def journey_url_kwargs(journey: Journey) -> dict[str, int]:
    first_step = journey.steps.first()
    return {
        "journey_id": journey.pk,
        "step_id": first_step.pk,
        "handoff_id": journey.handoffs.first().pk,
        "pain_point_id": journey.pain_points.first().pk,
        "question_id": LensQuestion.objects.first().pk,
        "action": "pick_up",
        "round_id": 1,  # no such round: every check here is decided before a round is looked up
        "report_id": 1,  # no such report, nor fix: the journey is checked first
        "fix_id": 1,
        "other_id": journey.pk,  # another version of the journey: the journey itself will do
    }


# URL parameters one pattern needs other values for.
URL_KWARGS_OF = {"workshop_timer": {"action": "start"}, "intake_report_triage": {"action": "dismiss"}}

# URLs of a journey that answer a GET (pages and edit forms); every other one is a change and wants a POST.
GET_URLS = {
    "board",
    "journey_invite",
    "step_detail",
    "step_edit",
    "pain_point_edit",
    "lens_section",
    "mirror_survey",
    "journey_export",
    "journey_export_svg",
    "journey_print",
    "journey_flow",
    "journey_copy",
    "pain_point_page",
    "pain_point_actions",
    "workshop_my_dots",
    "workshop_clock",
    "workshop_projector",
    # The REST API reads the same journeys (its own tests: tests/test_api.py)
    "api_journey",
    "api_lanes",
    "api_steps",
    "api_handoffs",
    "api_journey_pain_points",
    "step_comments",
    "mention_candidates",
    "intake_queue",
    "value_effort",
    "journey_versions",
    "version_compare",
}


def every_journey_url(journey: Journey) -> list[tuple[str, str]]:
    """(name, url) of every URL of the site that belongs to one journey, with ids of that journey's rows."""
    values = journey_url_kwargs(journey)
    result = []
    for pattern, names in url_patterns(get_resolver().url_patterns, set()):
        if "journey_id" in names:
            kwargs = {name: values[name] for name in names} | URL_KWARGS_OF.get(pattern.name, {})
            result.append((pattern.name, reverse(pattern.name, kwargs=kwargs)))
    return result


def url_patterns(patterns: list, outer: set[str]) -> list[tuple[URLPattern, set[str]]]:
    """Every named pattern under `patterns`, with the URL parameters of the includes around it."""
    found = []
    for pattern in patterns:
        names = outer | set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            found.extend(url_patterns(pattern.url_patterns, names))
        elif pattern.name:
            found.append((pattern, names))
    return found


def snapshot() -> tuple:
    """Everything a change could touch, to prove that a refused one touched nothing."""
    return (
        list(Step.objects.order_by("pk").values()),
        list(Handoff.objects.order_by("pk").values()),
        list(PainPoint.objects.order_by("pk").values("pk", "text", "severity", "version")),
        list(Event.objects.order_by("pk").values_list("pk", flat=True)),
        list(Journey.objects.order_by("pk").values("pk", "seq")),
    )


# Who may see what ----------------------------------------------------------------------------------------------


def test_every_journey_url_is_enumerated(journey):
    names = [name for name, _url in every_journey_url(journey)]
    assert len(names) == len(set(names)) >= 14
    assert set(names) >= GET_URLS


def test_non_member_gets_404_for_every_board_url(journey):
    outsider = Client()
    outsider.force_login(make_user())
    before = snapshot()
    data = {"title": "x", "text": "x", "label": "x", "severity": "low", "base_version": "1"}
    for name, url in every_journey_url(journey):
        accepted = outsider.get if name in GET_URLS else outsider.post
        assert accepted(url, data).status_code == 404, url
        # The other method is refused too, and never reveals or changes anything.
        other = outsider.post if name in GET_URLS else outsider.get
        assert other(url, data).status_code in (404, 405), url
    assert snapshot() == before


def test_a_non_member_s_404_is_a_page_that_says_why_and_names_nothing_of_the_journey(journey):
    outsider = Client()
    outsider.force_login(make_user())
    response = outsider.get(f"/j/{journey.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page and "not a member of" in page and 'href="/"' in page
    assert journey.title not in page
    assert "<h1>Niet gevonden</h1>" in outsider.get(f"/j/{journey.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()


def test_a_member_opens_every_page_of_the_journey(journey, member_client):
    for name, url in every_journey_url(journey):
        if name in GET_URLS:
            assert member_client.get(url).status_code == 200, url


def test_rows_of_another_journey_are_404_even_for_a_member(journey, member_client, customer):
    other = make_journey()
    a, b = make_step(other, "A", customer), make_step(other, "B", customer)
    link(other, a, b)
    make_pain_point(a, [customer])
    foreign = journey_url_kwargs(other)
    own = journey.pk
    assert member_client.get(reverse("step_detail", args=[own, foreign["step_id"]])).status_code == 404
    assert member_client.get(reverse("pain_point_edit", args=[own, foreign["pain_point_id"]])).status_code == 404
    before = snapshot()
    assert (
        post(member_client, "handoff_delete", {}, journey_id=own, handoff_id=foreign["handoff_id"]).status_code == 404
    )
    assert post(member_client, "step_delete", {}, journey_id=own, step_id=foreign["step_id"]).status_code == 404
    assert snapshot() == before


def test_anonymous_visitor_is_sent_to_log_in_from_every_url(journey):
    anonymous = Client()
    urls = [url for name, url in every_journey_url(journey) if not name.startswith("api_")]
    for url in [reverse("journey_list"), reverse("journey_join", args=["x"]), *urls]:
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url
    for name, url in every_journey_url(journey):  # the API does not redirect a program to a login page
        assert not name.startswith("api_") or anonymous.get(url).status_code == 401, url


def test_an_invalid_invite_link_is_404_and_joins_nothing(journey):
    newcomer = make_user()
    client = Client()
    client.force_login(newcomer)
    response = client.get(reverse("journey_join", args=[journey.invite_token[:-1] + "?"]))
    assert response.status_code == 404
    assert not Membership.objects.filter(user=newcomer).exists()


def test_logging_in_with_a_wrong_password_shows_a_friendly_message():
    make_user("anna")
    response = Client().post(reverse("login"), {"username": "anna", "password": "nope"})
    assert response.status_code == 200
    assert "That username and password do not match" in response.content.decode()
    response = Client().post(reverse("login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302


# Pages ---------------------------------------------------------------------------------------------------------


def test_journey_list_shows_only_my_journeys_with_their_counts(journey, member_client):
    make_journey(title="Somebody else's question")
    html = member_client.get(reverse("journey_list")).content.decode()
    assert "I am moving" in html
    assert "2 steps" in html and "1 unsolved pain point" in html
    assert "Somebody else" not in html


def test_creating_a_journey_opens_its_board():
    client = Client()
    client.force_login(make_user())
    response = client.post(reverse("journey_list"), {"title": "I want to cancel my policy"})
    journey = Journey.objects.get(title="I want to cancel my policy")
    assert response["Location"] == reverse("board", args=[journey.pk])


def test_creating_a_journey_without_a_title_shows_the_form_again():
    client = Client()
    client.force_login(make_user())
    response = client.post(reverse("journey_list"), {"title": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Journey.objects.exists()


def test_board_shows_lanes_cards_arrows_and_open_pain_counts(journey, member_client):
    html = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    for text in ("Customer", "Contact centre", "Fills in the web form", "Re-keys the address", "web form"):
        assert text in html
    assert html.count('class="lane"') + html.count('class="lane ') == 2
    handoff = journey.handoffs.get()
    assert f'id="handoff-{handoff.pk}"' in html
    assert "1 unsolved pain point" in html


def test_step_detail_offers_handoffs_to_other_steps_only(journey, member_client):
    rekey = step(journey, "Re-keys the address")
    html = member_client.get(reverse("step_detail", args=[journey.pk, rekey.pk])).content.decode()
    form = html.split(f'id="handoff-form-{rekey.pk}"')[1].split("</form>")[0]
    assert f'value="{rekey.pk}"' not in form
    assert f'value="{step(journey, "Fills in the web form").pk}"' in form
    assert "Typos" in html


# Changes: success ----------------------------------------------------------------------------------------------


def test_adding_a_step_answers_with_the_new_map(journey, member_client, customer):
    response = post(
        member_client, "step_create", {"title": "Calls back", "department": customer.pk}, journey_id=journey.pk
    )
    assert response.status_code == 200
    new = step(journey, "Calls back")
    html = response.content.decode()
    assert 'id="board-map"' in html and 'hx-swap-oob="morph"' in html
    assert f'id="step-{new.pk}"' in html
    assert "csrfmiddlewaretoken" not in html


def test_a_repeated_operation_id_applies_once(journey, member_client, customer):
    data = {"title": "Calls back", "department": customer.pk, "op_id": "retry-after-a-timeout"}
    first = post(member_client, "step_create", data, journey_id=journey.pk)
    second = post(member_client, "step_create", data, journey_id=journey.pk)
    assert first.status_code == second.status_code == 200
    assert journey.steps.filter(title="Calls back").count() == 1
    assert Event.objects.filter(journey=journey, op_id="retry-after-a-timeout").count() == 1
    assert 'id="board-map"' in second.content.decode()


def test_an_operation_id_sent_again_with_other_content_is_refused_and_saves_nothing(journey, member_client):
    form = step(journey, "Fills in the web form")
    first = {"title": "Foo", "base_version": form.version, "op_id": "first-save-of-foo"}
    post(member_client, "step_edit", first, journey_id=journey.pk, step_id=form.pk)

    corrected = post(member_client, "step_edit", {**first, "title": "Food"}, journey_id=journey.pk, step_id=form.pk)

    assert corrected.status_code == 409
    assert "sent before with other content" in corrected.content.decode()
    form.refresh_from_db()
    assert form.title == "Foo"
    assert Event.objects.filter(journey=journey, op_id="first-save-of-foo").count() == 1


def test_a_malformed_operation_id_is_refused(journey, member_client, customer):
    before = snapshot()
    response = post(member_client, "step_create", {"title": "X", "op_id": "<script>"}, journey_id=journey.pk)
    assert response.status_code == 400
    assert snapshot() == before


def test_editing_a_step_updates_its_card(journey, member_client):
    form = step(journey, "Fills in the web form")
    data = {"title": "Fills in the form", "channel": "web", "duration_minutes": "8", "base_version": form.version}
    response = post(member_client, "step_edit", data, journey_id=journey.pk, step_id=form.pk)
    assert response.status_code == 200
    form.refresh_from_db()
    assert (form.title, form.channel, form.duration_minutes, form.version) == ("Fills in the form", "web", 8, 2)
    assert f'id="step-{form.pk}"' in response.content.decode()


def test_moving_a_step_before_another_in_another_lane(journey, member_client, customer):
    first, second = step(journey, "Fills in the web form"), step(journey, "Re-keys the address")
    data = {"department": customer.pk, "before": first.pk, "base_version": second.version}
    response = post(member_client, "step_move", data, journey_id=journey.pk, step_id=second.pk)
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.department == customer
    assert list(journey.steps.values_list("title", flat=True)) == ["Re-keys the address", "Fills in the web form"]


def test_linking_and_unlinking_steps(journey, member_client):
    first, second = step(journey, "Fills in the web form"), step(journey, "Re-keys the address")
    response = post(
        member_client,
        "handoff_create",
        {"to_step": first.pk, "label": "calls back"},
        journey_id=journey.pk,
        step_id=second.pk,
    )
    assert response.status_code == 200
    loop = Handoff.objects.get(from_step=second, to_step=first)
    assert f'id="handoff-{loop.pk}" class="handoff loop' in response.content.decode()
    response = post(member_client, "handoff_delete", {"base_version": 1}, journey_id=journey.pk, handoff_id=loop.pk)
    assert response.status_code == 200
    assert not Handoff.objects.filter(pk=loop.pk).exists()


def test_adding_a_pain_point_updates_the_badge(journey, member_client, customer):
    first = step(journey, "Fills in the web form")
    data = {"text": "No confirmation", "severity": "high", "responsible_departments": [customer.pk]}
    response = post(member_client, "pain_point_create", data, journey_id=journey.pk, step_id=first.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No confirmation" in html
    assert "1 unsolved pain point" in html


def test_deleting_a_step_shows_it_is_gone(journey, member_client):
    first = step(journey, "Fills in the web form")
    response = post(
        member_client, "step_delete", {"base_version": first.version}, journey_id=journey.pk, step_id=first.pk
    )
    assert response.status_code == 200
    assert f'id="step-detail-{first.pk}"' in response.content.decode()
    assert not Step.objects.filter(pk=first.pk).exists()


def test_renaming_a_step_renames_it_in_the_hand_off_lists_of_the_steps_linked_to_it(journey, member_client):
    form, rekey = step(journey, "Fills in the web form"), step(journey, "Re-keys the address")
    data = {"title": "Types the address again", "base_version": rekey.version}

    response = post(member_client, "step_edit", data, journey_id=journey.pk, step_id=rekey.pk)

    html = response.content.decode()
    their_list = html[html.index(f'id="step-{form.pk}-handoffs"') :]
    assert "Types the address again" in their_list[: their_list.index("</div>")]


def test_deleting_a_step_takes_it_out_of_the_hand_off_lists_of_the_steps_linked_to_it(journey, member_client):
    form, rekey = step(journey, "Fills in the web form"), step(journey, "Re-keys the address")

    response = post(
        member_client, "step_delete", {"base_version": rekey.version}, journey_id=journey.pk, step_id=rekey.pk
    )

    html = response.content.decode()
    their_list = html[html.index(f'id="step-{form.pk}-handoffs"') :]
    assert "Re-keys the address" not in their_list[: their_list.index("</div>")]


def test_an_action_on_something_deleted_meanwhile_says_so_in_words(journey, member_client):
    handoff = Handoff.objects.get(journey=journey)
    rekey = step(journey, "Re-keys the address")
    post(member_client, "step_delete", {"base_version": rekey.version}, journey_id=journey.pk, step_id=rekey.pk)

    label = post(
        member_client, "handoff_update", {"label": "x", "base_version": 1}, journey_id=journey.pk, handoff_id=handoff.pk
    )
    panel = member_client.get(reverse("step_detail", args=[journey.pk, rekey.pk]), headers={"HX-Request": "true"})

    assert label.status_code == panel.status_code == 404
    assert label.content.decode() == "This hand-off has been deleted in the meantime, so nothing was changed."
    assert panel.content.decode() == "This step has been deleted in the meantime, so nothing was changed."


# Changes: bad input (422, message in the form, nothing saved) ---------------------------------------------------

LONG = "x" * 301


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("step_create", {"title": "", "department": ""}, "Give the step a title."),
        ("step_create", {"title": "   ", "department": ""}, "Give the step a title."),
        ("step_create", {"title": "Ghost", "department": "987654"}, "That department does not exist."),
        ("step_create", {"title": "x" * 121}, "Ensure this value has at most 120 characters (it has 121)."),
        ("step_create", {"title": "Late", "after": "OTHER_STEP"}, "That step is not on this journey."),
        ("lane_add", {"department": "987654"}, "That department does not exist."),
    ],
)
def test_bad_journey_input_is_refused_with_the_message_in_the_form(journey, member_client, name, data, message):
    data = {key: _resolve(value) for key, value in data.items()}
    before = snapshot()
    response = post(member_client, name, data, journey_id=journey.pk)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot() == before


def _resolve(value: str) -> str:
    if value == "OTHER_STEP":
        return str(make_step(make_journey(), "Elsewhere").pk)
    return value


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("handoff_create", {"to_step": "SELF"}, "A hand-off goes to another step, not to the same one."),
        ("handoff_create", {"to_step": "OTHER_STEP"}, "That step is not on this journey."),
        ("handoff_create", {"to_step": ""}, "Choose a step."),
        ("handoff_create", {"to_step": "NEXT", "label": "x" * 81}, "at most 80 characters"),
        ("handoff_create", {"to_step": "NEXT_EXISTING"}, "These two steps are already linked."),
        ("step_edit", {"title": "", "base_version": 1}, "Give the step a title."),
        ("step_edit", {"title": "ok", "description": "x" * 2001, "base_version": 1}, "at most 2000 characters"),
        ("step_edit", {"title": "ok", "duration_minutes": "-3", "base_version": 1}, "greater than or equal to 0"),
        ("step_move", {"department": "987654", "base_version": 1}, "That department does not exist."),
        (
            "step_move",
            {"department": "", "after": "SELF", "base_version": 1},
            "A step cannot be placed next to itself.",
        ),
        (
            "step_move",
            {"department": "", "after": "OTHER_STEP", "base_version": 1},
            "That step is not on this journey.",
        ),
        (
            "pain_point_create",
            {"text": "", "severity": "low", "responsible_departments": ["DEPT"]},
            "Describe the pain",
        ),
        ("pain_point_create", {"text": "Slow", "severity": "low"}, "Name at least one responsible department."),
        (
            "pain_point_create",
            {"text": "Slow", "severity": "low", "responsible_departments": ["987654"]},
            "That department does not exist.",
        ),
        (
            "pain_point_create",
            {"text": "Slow", "severity": "low", "responsible_departments": ["not-a-number"]},
            "That department does not exist.",
        ),
        ("pain_point_create", {"text": LONG, "severity": "low", "responsible_departments": ["DEPT"]}, "at most 300"),
        (
            "pain_point_create",
            {"text": "Slow", "severity": "dire", "responsible_departments": ["DEPT"]},
            "valid choice",
        ),
    ],
)
def test_bad_step_input_is_refused_with_the_message_in_the_form(journey, member_client, contact, name, data, message):
    rekey = step(journey, "Re-keys the address")
    form = step(journey, "Fills in the web form")
    replacements = {"SELF": str(rekey.pk), "NEXT": str(form.pk), "DEPT": str(contact.pk)}
    if "NEXT_EXISTING" in data.values():
        data = {**data, "to_step": str(rekey.pk)}
        rekey = form  # form -> rekey already exists
    replacements["OTHER_STEP"] = str(make_step(make_journey(), "Elsewhere").pk)

    def resolve(value):
        if isinstance(value, list):
            return [replacements.get(item, item) for item in value]
        return replacements.get(value, value)

    data = {key: resolve(value) for key, value in data.items()}
    before = snapshot()
    response = post(member_client, name, data, journey_id=journey.pk, step_id=rekey.pk)
    assert response.status_code == 422, response.content.decode()
    html = response.content.decode()
    assert message in html
    assert 'hx-swap-oob="morph"' in html  # the form replaces itself, messages included
    assert snapshot() == before


def test_bad_pain_point_edit_is_refused_with_the_message(journey, member_client):
    pain_point = journey.pain_points.get()
    before = snapshot()
    data = {"text": "Typos", "severity": "low", "base_version": 1}
    response = post(member_client, "pain_point_edit", data, journey_id=journey.pk, pain_point_id=pain_point.pk)
    assert response.status_code == 422
    assert "Name at least one responsible department." in response.content.decode()
    assert snapshot() == before


# Changes: stale versions (409 with both values, nothing saved) -------------------------------------------------


def test_stale_step_edit_returns_409_with_both_titles(journey, member_client):
    form = step(journey, "Fills in the web form")
    post(member_client, "step_edit", {"title": "Theirs", "base_version": 1}, journey_id=journey.pk, step_id=form.pk)
    before = snapshot()
    response = post(
        member_client, "step_edit", {"title": "Mine", "base_version": 1}, journey_id=journey.pk, step_id=form.pk
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Theirs" in html and "Mine" in html
    assert "Nothing was saved" in html
    assert f'id="base-version-step-{form.pk}"' in html and 'value="2"' in html
    assert snapshot() == before


def test_stale_edits_show_both_values_as_the_board_names_them_in_the_page_s_language(journey, member_client, contact):
    form = step(journey, "Fills in the web form")
    theirs = {"title": "Fills in the web form", "channel": "phone", "base_version": 1}
    post(member_client, "step_edit", theirs, journey_id=journey.pk, step_id=form.pk)
    pain_point = journey.pain_points.get()
    data = {"text": "Typos", "severity": "low", "responsible_departments": [contact.pk], "base_version": 1}
    post(member_client, "pain_point_edit", data, journey_id=journey.pk, pain_point_id=pain_point.pk)
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    mine = {**theirs, "channel": "email"}
    step_html = post(member_client, "step_edit", mine, journey_id=journey.pk, step_id=form.pk).content.decode()
    data = {**data, "severity": "high"}
    pain_html = post(
        member_client, "pain_point_edit", data, journey_id=journey.pk, pain_point_id=pain_point.pk
    ).content.decode()

    assert "<td>telefoon</td><td>e-mail</td>" in step_html
    assert "<td>laag</td><td>hoog</td>" in pain_html


def test_stale_pain_point_edit_returns_409_with_both_texts(journey, member_client, contact):
    pain_point = journey.pain_points.get()
    data = {"text": "Theirs", "severity": "low", "responsible_departments": [contact.pk], "base_version": 1}
    post(member_client, "pain_point_edit", data, journey_id=journey.pk, pain_point_id=pain_point.pk)
    before = snapshot()
    data = {**data, "text": "Mine"}
    response = post(member_client, "pain_point_edit", data, journey_id=journey.pk, pain_point_id=pain_point.pk)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Theirs" in html and "Mine" in html
    assert snapshot() == before


def test_stale_move_and_delete_return_409(journey, member_client, customer):
    form = step(journey, "Fills in the web form")
    post(member_client, "step_edit", {"title": "Renamed", "base_version": 1}, journey_id=journey.pk, step_id=form.pk)
    before = snapshot()
    move = post(
        member_client, "step_move", {"department": "", "base_version": 1}, journey_id=journey.pk, step_id=form.pk
    )
    delete = post(member_client, "step_delete", {"base_version": 1}, journey_id=journey.pk, step_id=form.pk)
    assert move.status_code == delete.status_code == 409
    assert "still there" in delete.content.decode()
    assert snapshot() == before


# The board page reads a fixed number of queries ----------------------------------------------------------------


def _board_of(size: int, departments: list) -> Journey:
    journey = make_journey(title=f"Board of {size}")
    steps = [make_step(journey, f"Step {i}", departments[i % len(departments)], channel="web") for i in range(size)]
    for source, target in zip(steps, steps[1:], strict=False):
        link(journey, source, target, "next")
    for index, one in enumerate(steps[::3]):
        make_pain_point(one, departments[:2], severity=("low", "medium", "high")[index % 3])
    return journey


def _board_queries(journey: Journey) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(journey.created_by)
    client.get(reverse("board", args=[journey.pk]))  # warm: session, content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("board", args=[journey.pk])).status_code == 200
    return len(queries)


def test_board_page_takes_the_same_number_of_queries_for_10_and_60_steps(django_assert_num_queries):
    departments = [make_department(f"Dept {i}") for i in range(4)]
    small, large = _board_of(10, departments), _board_of(60, departments)
    expected = _board_queries(small)
    client = Client()
    client.force_login(large.created_by)
    client.get(reverse("board", args=[large.pk]))
    with django_assert_num_queries(expected):
        response = client.get(reverse("board", args=[large.pk]))
    assert response.content.decode().count('class="step-card') == 60
    assert expected <= 35  # every panel on the page (map, insights, workshop tools) reads a fixed number of times


# What the board shows ------------------------------------------------------------------------------------------


def test_board_lists_cards_in_process_order_after_a_move(journey, member_client, customer):
    # Aggregating querysets ignore Meta.ordering: the board once listed cards by id, which broke Alt+arrow moves.
    first, second = step(journey, "Fills in the web form"), step(journey, "Re-keys the address")
    third = make_step(journey, "Receives a letter", customer)
    post(
        member_client,
        "step_move",
        {"department": customer.pk, "before": first.pk, "base_version": third.version},
        journey_id=journey.pk,
        step_id=third.pk,
    )
    html = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    order = [html.index(f'id="step-{one.pk}"') for one in (third, first, second)]
    assert order == sorted(order)


def test_journey_list_shows_the_newest_journey_first(journey, member_client):
    newer = make_journey(facilitator=journey.created_by, title="I want to cancel my policy")
    html = member_client.get(reverse("journey_list")).content.decode()
    assert html.index(newer.title) < html.index(journey.title)


def test_add_step_lane_defaults_to_the_top_lane_of_the_journey(journey, member_client, customer):
    html = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    select = html.split('id="new-step-lane"')[1].split("</select>")[0]
    assert f'<option value="{customer.pk}" selected>Customer</option>' in select
    assert '<option value="">No department yet</option>' in select


def test_a_card_whose_pain_points_are_all_solved_shows_a_check_mark(journey, member_client):
    rekey = step(journey, "Re-keys the address")
    PainPoint.objects.filter(step=rekey).update(status=PainPoint.Status.SOLVED)
    html = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    card = html.split(f'id="step-{rekey.pk}"')[1].split("</article>")[0]
    assert "✓" in card and "⚑" not in card
    assert "All pain points on this step are solved or closed" in card
    assert "all pain points solved or closed" in card  # in the card's accessible name


def test_hand_off_labels_are_drawn_above_the_cards(journey, member_client):
    handoff = journey.handoffs.get()
    html = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    assert f'id="arrow-label-{handoff.pk}"' in html
    assert html.index(f'id="arrow-label-{handoff.pk}"') > html.rindex('class="slot"')


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(None, ""), (0, "0 min"), (15, "15 min"), (60, "1 h"), (90, "1 h 30 min"), (1440, "1 day"), (2880, "2 days")],
)
def test_durations_read_the_way_people_say_them(minutes, shown):
    from boards.templatetags.board_format import duration

    assert duration(minutes) == shown


def test_board_offers_the_invite_link_of_its_journey(journey, member_client):
    html = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    assert f'data-copy="http://testserver/join/{journey.invite_token}/"' in html


def test_adding_and_moving_lanes_reorders_the_board(journey, member_client, customer, contact):
    it = make_department("IT")
    assert post(member_client, "lane_add", {"department": it.pk}, journey_id=journey.pk).status_code == 200
    response = post(member_client, "lane_move", {"department": it.pk, "offset": "-1"}, journey_id=journey.pk)
    assert response.status_code == 200
    assert [lane.department for lane in journey.lanes.all()] == [customer, it, contact]
    html = response.content.decode()
    assert html.index('<h2 class="lane-name">IT</h2>') < html.index('<h2 class="lane-name">Contact centre</h2>')


def test_lanes_offer_only_the_moves_they_can_make(journey, member_client):
    make_step(journey, "Nobody does this yet", None)
    html = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    assert "Move the Customer lane up" not in html and "Move the Customer lane down" in html
    assert "Move the Contact centre lane up" in html and "Move the Contact centre lane down" not in html
    assert "No department yet</h2>" in html  # the lane without a department has no buttons, and stays last


def test_add_lane_offers_only_departments_without_a_lane(journey, member_client):
    make_department("IT")
    html = member_client.get(reverse("board", args=[journey.pk])).content.decode()
    select = html.split('id="new-lane"')[1].split("</select>")[0]
    assert "IT" in select and "Customer" not in select and "Contact centre" not in select


def test_a_lane_once_added_is_no_longer_offered_to_anyone(journey, member_client):
    it, finance = make_department("IT"), make_department("Finance")
    response = post(member_client, "lane_add", {"department": it.pk}, journey_id=journey.pk)
    form = response.content.decode().split('id="lane-form"')[1].split("</form>")[0]
    assert 'hx-swap-oob="morph"' in form  # the same choice reaches every open board
    select = form.split('id="new-lane"')[1].split("</select>")[0]
    assert f'value="{finance.pk}"' in select and f'value="{it.pk}"' not in select
    # A step in the last department without a lane gives it one: nothing is left to offer, the form hides.
    new_step = {"title": "Adjusts the debit", "department": finance.pk}
    response = post(member_client, "step_create", new_step, journey_id=journey.pk)
    form = response.content.decode().split('id="lane-form"')[1].split("</form>")[0]
    assert " hidden" in form.split(">")[0] and f'value="{finance.pk}"' not in form


def new_journey_lane_choice(user) -> str:
    journey = make_journey(facilitator=user, title="A new question")
    client = Client()
    client.force_login(user)
    html = client.get(reverse("board", args=[journey.pk])).content.decode()
    return html.split('id="new-step-lane"')[1].split("</select>")[0]


def test_a_new_journeys_first_step_goes_to_the_customer_lane():
    make_department("Claims")
    make_department("Klant")
    assert " selected>Klant</option>" in new_journey_lane_choice(make_user("author"))


def test_without_a_customer_department_the_first_step_goes_to_the_authors_own():
    make_department("Claims")
    contact = make_department("Contact centre")
    assert " selected>Contact centre</option>" in new_journey_lane_choice(make_user("agent", departments=[contact]))
