"""Pain point actions and mirror saves from the live pages: answered with htmx fragments (the parts the push brings
every such page, and the viewer's own forms), never a redirect and a full page; customer scores of several steps in
one save."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys import mirror
from journeys.models import CustomerScore, Event, MirrorEstimate, PainPoint
from live import fragments
from tests.factories import make_journey, make_owners_world, make_step, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def act(client: Client, pain_point: PainPoint, action: str, **data: Any):
    url = reverse("pain_point_act", args=[pain_point.journey_id, pain_point.pk, action])
    return client.post(url, {"base_version": PainPoint.objects.get(pk=pain_point.pk).version, **data}, **HTMX)


# Pain point actions -----------------------------------------------------------------------------------------------


def test_a_pain_point_action_answers_with_the_pushed_parts_and_the_owners_next_actions_not_a_redirect():
    world = make_owners_world()
    pain_point, carla = world["pain_point"], world["carla"]
    client = client_for(carla)

    response = act(client, pain_point, "pick_up")

    assert response.status_code == 200 and "Location" not in response
    html = response.content.decode()
    event = Event.objects.filter(journey=world["journey"]).latest("seq")
    assert response["X-Journey-Event-Seq"] == str(event.seq)
    pushed = fragments.render_event(world["journey"], event, page="pain-point")
    assert pushed and pushed in html  # the very parts every open pain point page gets over the socket
    assert f'id="pain-point-{pain_point.pk}-state"' in html and "in progress" in html
    actions = html[html.index(f'<section id="pain-point-{pain_point.pk}-actions"') :]
    assert 'hx-swap-oob="morph"' in actions[:600]
    assert "Save the plan" in actions and "Mark solved" in actions and ">Pick up<" not in actions
    assert "<html" not in html and 'id="board-map"' not in html  # no page, no board parts


def test_plan_and_solve_from_the_live_page_each_answer_without_a_reload():
    world = make_owners_world()
    pain_point, client = world["pain_point"], client_for(world["carla"])
    act(client, pain_point, "pick_up")
    planned = act(client, pain_point, "plan_fix", fix_description="Status page", target_date=NEXT_WEEK.isoformat())
    solved = act(client, pain_point, "solve", resolution="Status page added")
    assert (planned.status_code, solved.status_code) == (200, 200)
    assert "Status page added" in solved.content.decode()  # the state part, as pushed
    assert PainPoint.objects.get(pk=pain_point.pk).status == PainPoint.Status.SOLVED


def test_an_action_with_a_problem_comes_back_as_its_form_with_the_problem_and_nothing_changes():
    world = make_owners_world()
    pain_point, client = world["pain_point"], client_for(world["carla"])
    act(client, pain_point, "pick_up")
    before = PainPoint.objects.get(pk=pain_point.pk).version

    response = act(client, pain_point, "plan_fix", fix_description="Status page", target_date="next tuesday")

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="pain-point-feedback"' in html and "Nothing was saved:" in html
    assert 'class="errorlist' in html and "next tuesday" in html  # the form, as typed, with its message
    assert PainPoint.objects.get(pk=pain_point.pk).version == before


def test_a_stale_action_is_one_line_for_the_alert_and_a_stranger_gets_404():
    world = make_owners_world()
    pain_point = world["pain_point"]
    url = reverse("pain_point_act", args=[pain_point.journey_id, pain_point.pk, "pick_up"])
    PainPoint.objects.filter(pk=pain_point.pk).update(version=pain_point.version + 1)  # someone else saved meanwhile
    stale = client_for(world["carla"]).post(url, {"base_version": pain_point.version}, **HTMX)
    assert stale.status_code == 409 and stale["Content-Type"].startswith("text/plain")
    assert "Someone changed this pain point" in stale.content.decode()
    assert client_for(world["outsider"]).post(url, {"base_version": pain_point.version}, **HTMX).status_code == 404
    assert PainPoint.objects.get(pk=pain_point.pk).status == PainPoint.Status.OPEN


def test_without_htmx_an_action_still_posts_and_redirects():
    world = make_owners_world()
    pain_point = world["pain_point"]
    url = reverse("pain_point_act", args=[pain_point.journey_id, pain_point.pk, "pick_up"])
    response = client_for(world["carla"]).post(url, {"base_version": pain_point.version})
    assert response.status_code == 302


# Mirror saves -----------------------------------------------------------------------------------------------------


@pytest.fixture
def survey() -> dict[str, Any]:
    anna, bob = make_user("anna"), make_user("bob")
    journey = make_journey(facilitator=anna, members=[bob])
    steps = [make_step(journey, title) for title in ("Web form", "Mailbox", "Re-keying", "Letter", "Callback")]
    return {"anna": anna, "bob": bob, "journey": journey, "steps": steps}


def test_saving_estimates_answers_with_the_mirror_parts_not_a_redirect(survey):
    journey, steps = survey["journey"], survey["steps"]
    url = reverse("mirror_estimates", args=[journey.pk])
    response = client_for(survey["bob"]).post(url, {f"step-{steps[0].pk}": "8", "journey": "6"}, **HTMX)
    assert response.status_code == 200 and "Location" not in response
    html = response.content.decode()
    event = Event.objects.filter(journey=journey).latest("seq")
    assert fragments.render_event(journey, event, page="mirror") in html
    assert "So far 2 estimates from 1 participant" in html
    assert MirrorEstimate.objects.filter(participant=survey["bob"]).count() == 2


def test_estimates_with_a_problem_come_back_in_the_rows_and_the_alert(survey):
    journey, steps = survey["journey"], survey["steps"]
    url = reverse("mirror_estimates", args=[journey.pk])
    response = client_for(survey["bob"]).post(url, {f"step-{steps[0].pk}": "11"}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="mirror-estimate-rows"' in html and 'id="mirror-feedback"' in html
    assert "Web form: " in html  # which row the problem is in
    assert not MirrorEstimate.objects.exists()


def test_the_facilitator_saves_five_customer_scores_in_one_go(survey):
    journey, steps = survey["journey"], survey["steps"]
    data = {f"score-{step.pk}": f"{index + 4},5" for index, step in enumerate(steps)}
    data |= {f"responses-{step.pk}": str(10 * (index + 1)) for index, step in enumerate(steps)}
    events_before = Event.objects.filter(journey=journey).count()

    response = client_for(survey["anna"]).post(reverse("customer_scores_enter", args=[journey.pk]), data, **HTMX)

    assert response.status_code == 200
    assert Event.objects.filter(journey=journey).count() == events_before + 1  # one change, one save
    scores = {s.step_id: (s.score, s.responses) for s in CustomerScore.objects.filter(journey=journey)}
    assert scores == {step.pk: (Decimal(f"{i + 4}.5"), 10 * (i + 1)) for i, step in enumerate(steps)}
    html = response.content.decode()
    assert "5 customer scores" in html  # the pushed counts
    assert 'id="customer-scores-form"' in html and 'value="8.50"' in html  # the table as saved


def test_a_half_filled_score_row_saves_nothing_and_says_which_row(survey):
    journey, steps = survey["journey"], survey["steps"]
    data = {f"score-{steps[0].pk}": "7", f"responses-{steps[0].pk}": "20", f"score-{steps[1].pk}": "5"}
    response = client_for(survey["anna"]).post(reverse("customer_scores_enter", args=[journey.pk]), data, **HTMX)
    assert response.status_code == 422
    assert "Responses for Mailbox: Give the number of responses too." in response.content.decode()
    assert not CustomerScore.objects.exists()
    empty = client_for(survey["anna"]).post(reverse("customer_scores_enter", args=[journey.pk]), {}, **HTMX)
    assert empty.status_code == 422 and "Fill in at least one customer score." in empty.content.decode()


def test_only_the_facilitator_enters_customer_scores(survey):
    journey, step = survey["journey"], survey["steps"][0]
    data = {f"score-{step.pk}": "7", f"responses-{step.pk}": "20"}
    url = reverse("customer_scores_enter", args=[journey.pk])
    assert client_for(survey["bob"]).post(url, data, **HTMX).status_code == 403
    assert client_for(make_user("stranger")).post(url, data, **HTMX).status_code == 404
    assert not CustomerScore.objects.exists()


def test_the_customer_scores_table_shows_what_was_saved_and_a_step_of_another_journey_is_refused(survey):
    journey, steps = survey["journey"], survey["steps"]
    mirror.customer_score_set(journey=journey, step=steps[2], score=Decimal("6.25"), responses=12, actor=survey["anna"])
    page = client_for(survey["anna"]).get(reverse("mirror_survey", args=[journey.pk])).content.decode()
    assert f'name="score-{steps[2].pk}" value="6.25"' in page and f'name="responses-{steps[2].pk}" value="12"' in page
    other = make_step(make_journey(), "Elsewhere")
    with pytest.raises(Exception, match="not on this journey"):
        mirror.customer_scores_set(journey=journey, scores=[(other.pk, Decimal(5), 3)], actor=survey["anna"])


def test_reveal_from_the_live_page_answers_with_fragments(survey):
    journey = survey["journey"]
    response = client_for(survey["anna"]).post(reverse("mirror_reveal", args=[journey.pk]), {"revealed": "1"}, **HTMX)
    assert response.status_code == 200 and 'id="mirror-reveal-choice"' in response.content.decode()
    assert mirror.is_revealed(journey)
