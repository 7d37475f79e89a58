"""Current and future state: named versions of a journey, a new version started as a copy, two versions compared
(steps and hand-offs added, removed, changed; the figures before and after), pain points linked to the step of the
future state that answers them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dashboard import stats
from journeys import services
from journeys.errors import FacilitatorOnly
from journeys.models import Event, Membership, Step
from journeys.undo import change_undo
from live.fragments import render_event
from tests.factories import link, make_department, make_journey, make_manager, make_pain_point, make_step, make_user
from versions import selectors
from versions import services as versions
from versions.compare import HandoffFacts, StepFacts, compare
from versions.models import JourneyVersion, PainPointAnswer

# Pure: the comparison ---------------------------------------------------------------------------------------------


def test_steps_match_by_lineage_so_a_renamed_step_is_changed_not_removed_and_added():
    before = [StepFacts(1, 1, 1, "Fills in the form", "Customer"), StepFacts(2, 2, 2, "Re-keys", "Contact centre")]
    after = [
        StepFacts(11, 1, 1, "Fills in the form", "Customer"),
        StepFacts(12, 2, 2, "Checks the address", "Contact centre"),
        StepFacts(13, 13, 3, "Sees the status online", "Customer"),
    ]
    handoffs_before = [HandoffFacts(100, 1, 2, "web form")]
    handoffs_after = [HandoffFacts(200, 11, 12, "API"), HandoffFacts(201, 12, 13)]
    result = compare(before, handoffs_before, after, handoffs_after)
    assert [s.title for s in result.steps_added] == ["Sees the status online"]
    assert result.steps_removed == []
    assert [(c.before.title, c.after.title, c.fields) for c in result.steps_changed] == [
        ("Re-keys", "Checks the address", ("title",))
    ]
    assert result.steps_kept == 1
    assert [(c.before.id, c.after.id, c.fields) for c in result.handoffs_changed] == [(100, 200, ("label",))]
    assert [h.id for h in result.handoffs_added] == [201]


def test_a_step_dropped_from_the_future_state_takes_its_hand_offs_with_it():
    before = [StepFacts(1, 1, 1, "Asks"), StepFacts(2, 2, 2, "Calls back"), StepFacts(3, 3, 3, "Done")]
    after = [StepFacts(11, 1, 1, "Asks"), StepFacts(13, 3, 3, "Done")]
    result = compare(before, [HandoffFacts(1, 1, 2), HandoffFacts(2, 2, 3)], after, [HandoffFacts(3, 11, 13)])
    assert [s.title for s in result.steps_removed] == ["Calls back"]
    assert [h.id for h in result.handoffs_removed] == [1, 2]
    assert [h.id for h in result.handoffs_added] == [3]
    assert result.steps_kept == 2


# Through the one write path -----------------------------------------------------------------------------------------


@pytest.fixture
def as_it_is(db):
    anna, bram = make_user("anna"), make_user("bram")
    journey = make_journey(facilitator=anna, members=[bram], title="I am moving")
    customer, contact, policy = (make_department(n) for n in ("Customer", "Contact centre", "Policy"))
    form = make_step(journey, "Fills in the web form", customer)
    mailbox = make_step(journey, "Form lands in the shared mailbox", contact)
    rekey = make_step(journey, "Re-keys the address", policy)
    sends = make_step(journey, "Sends the new policy schedule", policy)
    calls = make_step(journey, "Calls: did you get my change?", customer)
    link(journey, form, mailbox)
    link(journey, mailbox, rekey)
    link(journey, rekey, sends)
    link(journey, rekey, calls)
    link(journey, calls, mailbox)  # the repeat contact
    pain = make_pain_point(rekey, [policy], text="Re-keying causes typos")
    return {"journey": journey, "anna": anna, "bram": bram, "pain": pain, "depts": (customer, contact, policy)}


def start_future(world) -> tuple:
    future = versions.version_start(journey=world["journey"], name="As it should be", actor=world["anna"])
    return future, {s.title: s for s in Step.objects.filter(journey=future)}


def test_starting_a_version_keeps_as_it_is_and_copies_steps_hand_offs_and_members_without_pain_points(as_it_is):
    journey = as_it_is["journey"]
    future, steps = start_future(as_it_is)
    assert future.pk != journey.pk and len(steps) == 5 and future.handoffs.count() == 5
    assert future.pain_points.count() == 0 and journey.pain_points.count() == 1
    assert Membership.objects.filter(journey=future, user=as_it_is["bram"]).exists()
    names = [(v.journey_id, v.name, v.based_on_id) for v in JourneyVersion.objects.order_by("id")]
    assert names == [(journey.pk, "As it is", None), (future.pk, "As it should be", journey.pk)]
    assert Event.objects.filter(journey=journey, kind="version.started").count() == 1


def test_comparing_the_versions_after_redesign(as_it_is):
    journey = as_it_is["journey"]
    future, steps = start_future(as_it_is)
    anna = as_it_is["anna"]
    customer = as_it_is["depts"][0]
    calls = steps["Calls: did you get my change?"]
    services.step_delete(step=calls, actor=anna, base_version=None)  # no more calling back: the loop is gone
    rekey = steps["Re-keys the address"]
    services.step_update(step=rekey, actor=anna, base_version=None, title="The form fills in the policy system")
    status = make_step(future, "Sees the status online", customer, actor=anna)
    link(future, rekey, status)

    result = compare(
        selectors.step_facts(journey),
        selectors.handoff_facts(journey),
        selectors.step_facts(future),
        selectors.handoff_facts(future),
    )
    assert [s.title for s in result.steps_added] == ["Sees the status online"]
    assert [s.title for s in result.steps_removed] == ["Calls: did you get my change?"]
    assert [c.after.title for c in result.steps_changed] == ["The form fills in the policy system"]
    assert len(result.handoffs_removed) == 2 and len(result.handoffs_added) == 1 and result.handoffs_kept == 3
    before, after = selectors.figures(journey), selectors.figures(future)
    assert (before.loops, after.loops) == (1, 0)
    assert (before.crossings, after.crossings) == (4, 3)
    assert before.contacts > 1 and after.contacts == 1.0  # the repeat contacts of the loop are gone
    assert (before.longest_route, after.longest_route) == (4, 4)


def test_a_version_of_a_version_still_matches_the_first_ones_steps(as_it_is):
    future, steps = start_future(as_it_is)
    later = versions.version_start(journey=future, name="Later still", actor=as_it_is["anna"])
    result = compare(selectors.step_facts(as_it_is["journey"]), [], selectors.step_facts(later), [])
    assert result.steps_kept == 5 and not result.steps_added and not result.steps_removed


def test_names_are_unique_in_a_family_and_only_the_facilitator_makes_versions(as_it_is):
    journey = as_it_is["journey"]
    start_future(as_it_is)
    with pytest.raises(ValidationError):
        versions.version_start(journey=journey, name="as it should be", actor=as_it_is["anna"])
    with pytest.raises(ValidationError):
        versions.version_name(journey=journey, name="  ", actor=as_it_is["anna"])
    with pytest.raises(FacilitatorOnly):
        versions.version_start(journey=journey, name="Bram's idea", actor=as_it_is["bram"])
    assert JourneyVersion.objects.count() == 2


def test_a_pain_point_links_to_the_future_step_that_answers_it_and_the_link_can_be_undone(as_it_is):
    future, steps = start_future(as_it_is)
    pain, anna = as_it_is["pain"], as_it_is["anna"]
    answer = steps["Re-keys the address"]
    versions.pain_point_answer_set(pain_point=pain, step=answer, actor=anna)
    assert PainPointAnswer.objects.get(pain_point=pain).step == answer
    change_undo(journey=as_it_is["journey"], actor=anna)
    assert not PainPointAnswer.objects.filter(pain_point=pain).exists()
    stranger = make_journey(facilitator=anna)
    elsewhere = make_step(stranger, "Somewhere else")
    with pytest.raises(ValidationError):
        versions.pain_point_answer_set(pain_point=pain, step=elsewhere, actor=anna)
    with pytest.raises(ValidationError):  # not a step of its own version either
        versions.pain_point_answer_set(pain_point=pain, step=pain.step, actor=anna)


# Pages ------------------------------------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_start_compare_and_link_and_strangers_see_nothing(as_it_is):
    journey, anna = as_it_is["journey"], as_it_is["anna"]
    client = client_for(anna)
    response = client.post(reverse("version_start", args=[journey.pk]), {"name": "As it should be"})
    assert response.status_code == 302
    future = JourneyVersion.objects.get(name="As it should be").journey
    board = client.get(reverse("board", args=[future.pk])).content.decode()
    assert 'class="version-name"' in board and "As it should be" in board
    page = client.get(reverse("journey_versions", args=[journey.pk])).content.decode()
    assert "Compare As it is with As it should be" in page
    compared = client.get(reverse("version_compare", args=[journey.pk, future.pk])).content.decode()
    assert "Figures before and after" in compared and "Re-keying causes typos" in compared
    step = Step.objects.get(journey=future, title="Re-keys the address")
    url = reverse("pain_point_answer", args=[journey.pk, as_it_is["pain"].pk, future.pk])
    assert client.post(url, {"step": step.pk}).status_code == 302
    assert (
        "answered in As it should be"
        in client.get(reverse("version_compare", args=[journey.pk, future.pk])).content.decode()
    )
    stranger = client_for(make_user())
    assert stranger.get(reverse("version_compare", args=[journey.pk, future.pk])).status_code == 404
    assert stranger.post(reverse("version_start", args=[journey.pk]), {"name": "Mine"}).status_code == 404
    bad = client.post(url, {"step": Step.objects.get(journey=journey, title="Re-keys the address").pk})
    assert bad.status_code == 422


def test_only_versions_of_one_process_compare_and_any_other_pair_is_404_like_a_missing_journey(as_it_is):
    journey, anna = as_it_is["journey"], as_it_is["anna"]
    future, _steps = start_future(as_it_is)
    own_unrelated = make_journey(facilitator=anna, title="Another process of Anna's")
    others = make_journey(facilitator=make_user(), title="Someone else's process")
    versions.version_start(journey=own_unrelated, name="Anna's future", actor=anna)  # a family of its own
    client = client_for(anna)

    def compare_status(before: int, after: int) -> int:
        return client.get(reverse("version_compare", args=[before, after])).status_code

    assert compare_status(journey.pk, future.pk) == 200 and compare_status(future.pk, journey.pk) == 200
    assert compare_status(journey.pk, journey.pk) == 200  # a version with itself: nothing changed, nothing leaked
    missing = others.pk + 1000
    for before, after in (
        (journey.pk, own_unrelated.pk),
        (own_unrelated.pk, journey.pk),
        (journey.pk, others.pk),
        (journey.pk, missing),
    ):
        response = client.get(reverse("version_compare", args=[before, after]))
        assert response.status_code == 404, (before, after)
        assert "Someone else's process" not in response.content.decode()
    step = make_step(own_unrelated, "Somewhere else")
    url = reverse("pain_point_answer", args=[journey.pk, as_it_is["pain"].pk, own_unrelated.pk])
    assert client.post(url, {"step": step.pk}).status_code == 404
    assert not PainPointAnswer.objects.exists()


# The future state is no journey of its own ------------------------------------------------------------------------


def test_the_journey_list_shows_the_future_state_under_its_process_not_as_another_journey(as_it_is):
    journey, bram = as_it_is["journey"], as_it_is["bram"]
    future, _steps = start_future(as_it_is)
    other = make_journey(facilitator=bram, title="I want to cancel my policy")

    html = client_for(bram).get(reverse("journey_list")).content.decode()

    assert html.count('class="journey-link"') == 2  # the process and the other journey, not the copy
    assert html.count(">I am moving</a>") == 1 and other.title in html
    versions_list = html[html.index('class="journey-versions"') :]
    versions_list = versions_list[: versions_list.index("</ul>")]
    assert "Future state" in versions_list and f'href="/j/{future.pk}/"' in versions_list
    assert reverse("version_compare", args=[journey.pk, future.pk]) in versions_list
    assert '<span class="version-tag">As it is</span>' in html


def test_someone_only_on_the_future_state_sees_it_as_a_row_with_its_name(as_it_is):
    future, _steps = start_future(as_it_is)
    designer = make_user("designer")
    Membership.objects.create(journey=future, user=designer)

    html = client_for(designer).get(reverse("journey_list")).content.decode()

    assert html.count('class="journey-link"') == 1 and f'href="/j/{future.pk}/" class="journey-link"' in html
    assert '<span class="version-tag">As it should be</span>' in html and "journey-versions" not in html


def test_the_dashboard_counts_the_process_as_it_runs_not_the_pain_points_drawn_on_its_future_state(as_it_is):
    journey, anna = as_it_is["journey"], as_it_is["anna"]
    future, steps = start_future(as_it_is)
    policy = as_it_is["depts"][2]
    make_pain_point(steps["Re-keys the address"], [policy], text="Still typed by hand in the design", actor=anna)

    scope = stats.Scope()
    assert [(row.key, row.unsolved) for row in stats.status_by_journey(scope)] == [(journey.pk, 1)]
    assert [(row.name, row.unsolved) for row in stats.status_by_department(scope)] == [("Policy", 1)]
    assert list(stats.journeys_in(scope)) == [journey]
    html = client_for(make_manager()).get("/dashboard/").content.decode()
    assert "Still typed by hand" not in html
    assert f'<option value="{journey.pk}">I am moving</option>' in html
    assert html.count(">I am moving</option>") == 1


# A pain point's answer, wherever the pain point is shown -----------------------------------------------------------


def test_the_answer_shows_in_the_step_panel_on_the_pain_point_page_and_in_the_push_of_the_link(as_it_is):
    journey, pain, anna = as_it_is["journey"], as_it_is["pain"], as_it_is["anna"]
    future, steps = start_future(as_it_is)
    answer = steps["Re-keys the address"]
    services.step_update(step=answer, actor=anna, base_version=None, title="The form fills in the policy system")
    client = client_for(as_it_is["bram"])
    panel_url = reverse("step_detail", args=[journey.pk, pain.step_id])
    page_url = reverse("pain_point_page", args=[journey.pk, pain.pk])
    assert "Answered in" not in client.get(panel_url).content.decode()
    assert "Answered in" not in client.get(page_url).content.decode()

    versions.pain_point_answer_set(pain_point=pain, step=answer, actor=anna)

    link = f'Answered in As it should be: <a href="/j/{future.pk}/">The form fills in the policy system</a>'
    assert link in client.get(panel_url).content.decode()
    assert link in client.get(page_url).content.decode()
    event = Event.objects.filter(journey=journey, kind="pain_point.answered").latest("seq")
    pushed = {page: render_event(journey, event, page=page) for page in ("board", "pain-point")}
    assert link in pushed["board"] and f'id="step-{pain.step_id}-pain-points"' in pushed["board"]
    assert link in pushed["pain-point"] and f'id="pain-point-{pain.pk}-state"' in pushed["pain-point"]


def test_the_answer_shows_in_dutch(as_it_is):
    journey, pain, anna = as_it_is["journey"], as_it_is["pain"], as_it_is["anna"]
    _future, steps = start_future(as_it_is)
    versions.pain_point_answer_set(pain_point=pain, step=steps["Re-keys the address"], actor=anna)
    client = client_for(as_it_is["bram"])
    page = client.get(reverse("pain_point_page", args=[journey.pk, pain.pk]), HTTP_ACCEPT_LANGUAGE="nl").content
    assert "Opgelost in As it should be:" in page.decode() and "Toekomstige situatie" in page.decode()
