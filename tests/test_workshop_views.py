from __future__ import annotations

import pytest
from django.test import Client

from journeys.models import Event
from tests.factories import make_user, make_workshop
from workshops import services
from workshops.models import Dot, FacilitatorFocus, ScoreMeasurement, VotingRound, WorkshopTimer

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def workshop_urls(journey_id: int, round_id: int) -> list[tuple[str, str]]:
    base = f"/j/{journey_id}/workshop/"
    gets = ["voting/mine/", "clock/", "state/", "projector/"]
    posts = [
        "indicator/measure/",
        "indicator/",
        "voting/start/",
        f"voting/{round_id}/end/",
        f"voting/{round_id}/tallies/",
        f"voting/{round_id}/place/",
        f"voting/{round_id}/remove/",
        "timer/start/",
        "timer/pause/",
        "timer/reset/",
        "focus/",
    ]
    return [("get", base + url) for url in gets] + [("post", base + url) for url in posts]


def test_a_non_member_gets_404_on_every_workshop_url():
    journey, facilitator, _people, (first, *_rest) = make_workshop()
    voting = services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=3)
    outsider = client_for(make_user())
    for method, url in workshop_urls(journey.pk, voting.pk):
        data = {"pain_point": first.pk, "dots_per_participant": 3, "minutes": 5} if method == "post" else {}
        assert getattr(outsider, method)(url, data).status_code == 404, url
    assert Dot.objects.count() == 0 and VotingRound.objects.count() == 1


def test_a_round_of_another_journey_is_404_for_a_member():
    journey, facilitator, (ann, _bob), (first, *_rest) = make_workshop()
    other, other_facilitator, _people, _points = make_workshop()
    foreign = services.voting_round_start(journey=other, actor=other_facilitator, dots_per_participant=3)
    response = client_for(ann).post(f"/j/{journey.pk}/workshop/voting/{foreign.pk}/place/", {"pain_point": first.pk})
    assert response.status_code == 404


def test_a_participant_cannot_start_a_round_or_the_timer_and_sees_why():
    journey, _facilitator, (ann, _bob), _points = make_workshop()
    ann_client = client_for(ann)
    seq = journey.seq
    response = ann_client.post(f"/j/{journey.pk}/workshop/voting/start/", {"dots_per_participant": 3})
    assert response.status_code == 403 and "Only the facilitator" in response.content.decode()
    assert ann_client.post(f"/j/{journey.pk}/workshop/timer/start/", {"minutes": 5}).status_code == 403
    score = {"measured_on": "2026-01-05", "value": 70}
    assert ann_client.post(f"/j/{journey.pk}/workshop/indicator/measure/", score).status_code == 403
    journey.refresh_from_db()
    assert journey.seq == seq
    assert not VotingRound.objects.exists() and not ScoreMeasurement.objects.exists()
    assert not WorkshopTimer.objects.filter(started_at__isnull=False).exists()


def test_a_participant_opening_a_step_does_not_move_the_projector():
    journey, facilitator, (ann, _bob), (first, *_rest) = make_workshop()
    assert client_for(ann).post(f"/j/{journey.pk}/workshop/focus/", {"step": first.step_id}).status_code == 403
    assert not FacilitatorFocus.objects.exists()
    response = client_for(facilitator).post(f"/j/{journey.pk}/workshop/focus/", {"step": first.step_id})
    assert response.status_code == 200
    assert f'data-step-id="{first.step_id}"' in response.content.decode()
    assert Event.objects.filter(journey=journey, kind="focus.moved").get().targets == {"focus": first.step_id}


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("voting/start/", {"dots_per_participant": "many"}, "Use a whole number."),
        ("voting/start/", {"dots_per_participant": "0"}, "between 1 and 20"),
        ("timer/start/", {"minutes": "0"}, "between 10 seconds and 3 hours"),
        ("timer/start/", {"minutes": "soon"}, "like 5 or 2.5"),
        ("indicator/measure/", {"measured_on": "yesterday", "value": "70"}, "Use a date like"),
        ("indicator/measure/", {"measured_on": "2026-01-05", "value": "200"}, "between 0 and 100"),
        ("indicator/", {"kind": "ces"}, "Choose CSAT or NPS."),
        ("focus/", {"step": "999999"}, "not on this journey"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(url, data, message):
    journey, facilitator, _people, _points = make_workshop()
    seq = journey.seq
    response = client_for(facilitator).post(f"/j/{journey.pk}/workshop/{url}", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    journey.refresh_from_db()
    assert journey.seq == seq
    assert not VotingRound.objects.exists() and not ScoreMeasurement.objects.exists()
    assert not WorkshopTimer.objects.filter(started_at__isnull=False).exists()


def test_a_vote_over_the_limit_answers_422_with_the_reason_and_places_nothing():
    journey, facilitator, (ann, _bob), (first, second, _third) = make_workshop()
    voting = services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=1)
    ann_client = client_for(ann)
    url = f"/j/{journey.pk}/workshop/voting/{voting.pk}/place/"
    assert ann_client.post(url, {"pain_point": first.pk}).status_code == 200
    response = ann_client.post(url, {"pain_point": second.pk})
    assert response.status_code == 422 and "placed all your 1 dots" in response.content.decode()
    assert list(Dot.objects.values_list("pain_point", flat=True)) == [first.pk]
    assert ann_client.get(f"/j/{journey.pk}/workshop/voting/mine/").json()["dots_left"] == 0


def test_the_facilitator_runs_a_round_through_the_views_and_each_answer_carries_the_fragments():
    journey, facilitator, _people, (first, *_rest) = make_workshop()
    boss = client_for(facilitator)
    start = {"dots_per_participant": 2, "op_id": "start-round-1"}
    response = boss.post(f"/j/{journey.pk}/workshop/voting/start/", start)
    assert response.status_code == 200 and 'id="voting-panel"' in response.content.decode()
    voting = VotingRound.objects.get()
    again = boss.post(f"/j/{journey.pk}/workshop/voting/start/", start)
    assert again.status_code == 200 and VotingRound.objects.count() == 1  # the same operation, applied once
    assert boss.post(f"/j/{journey.pk}/workshop/voting/{voting.pk}/tallies/", {"visible": "on"}).status_code == 200
    assert boss.post(f"/j/{journey.pk}/workshop/voting/{voting.pk}/end/").status_code == 200
    voting.refresh_from_db()
    assert voting.tallies_visible and not voting.is_open


def test_unknown_timer_actions_are_404():
    journey, facilitator, _people, _points = make_workshop()
    assert client_for(facilitator).post(f"/j/{journey.pk}/workshop/timer/explode/").status_code == 404


def test_the_board_shows_facilitator_controls_to_the_facilitator_only():
    journey, facilitator, (ann, _bob), _points = make_workshop()
    assert 'data-role="facilitator"' in client_for(facilitator).get(f"/j/{journey.pk}/").content.decode()
    participant_page = client_for(ann).get(f"/j/{journey.pk}/").content.decode()
    assert 'data-role="participant"' in participant_page and 'id="workshop-timer"' in participant_page


def test_the_projector_shows_the_map_and_the_facilitators_focus():
    journey, facilitator, (ann, _bob), (first, *_rest) = make_workshop()
    services.focus_set(journey=journey, actor=facilitator, step=first.step)
    html = client_for(ann).get(f"/j/{journey.pk}/workshop/projector/").content.decode()
    assert 'id="board-map"' in html and f'id="step-{first.step_id}"' in html
    assert f'id="facilitator-focus" class="facilitator-focus" data-step-id="{first.step_id}"' in html
    assert "Now discussing: Customer fills in the form" in html


def test_state_answers_204_when_the_page_is_current_and_the_fragments_when_not():
    journey, facilitator, (ann, _bob), _points = make_workshop()
    ann_client = client_for(ann)
    current = ann_client.get(f"/j/{journey.pk}/workshop/state/", {"seq": journey.seq})
    assert current.status_code == 204 and current["X-Journey-Seq"] == str(journey.seq)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=60)
    behind = ann_client.get(f"/j/{journey.pk}/workshop/state/", {"seq": journey.seq - 1, "map": 1})
    html = behind.content.decode()
    assert behind.status_code == 200 and 'data-status="running"' in html and 'id="board-map"' in html


def test_each_change_answer_names_its_seq_so_the_page_does_not_apply_the_push_of_it_again():
    journey, facilitator, (ann, _bob), (first, *_rest) = make_workshop()
    voting = services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=2)
    response = client_for(ann).post(f"/j/{journey.pk}/workshop/voting/{voting.pk}/place/", {"pain_point": first.pk})
    assert response.status_code == 200
    assert response["X-Journey-Event-Seq"] == str(Event.objects.latest("seq").seq)
    refused = client_for(ann).post(f"/j/{journey.pk}/workshop/voting/{voting.pk}/place/", {"pain_point": 0})
    assert refused.status_code == 422 and "X-Journey-Event-Seq" not in refused


def test_a_pain_point_change_during_an_open_round_brings_the_voting_panel_along():
    from journeys.services import pain_point_update
    from live.fragments import render_changes

    journey, facilitator, _people, (first, *_rest) = make_workshop()
    targets = {"step": first.step_id, "pain_point": first.pk}
    assert 'id="voting-panel"' not in render_changes(journey, targets)  # no round: nothing to keep current
    voting = services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=2)
    pain_point_update(
        pain_point=first,
        actor=facilitator,
        base_version=first.version,
        text="Form loses the draft",
        severity=first.severity,
        departments=list(first.responsible_departments.all()),
    )
    pushed = render_changes(journey, Event.objects.latest("seq").targets)
    assert pushed.count('id="voting-panel"') == 1 and "Form loses the draft" in pushed
    services.voting_round_end(voting=voting, actor=facilitator)
    assert 'id="voting-panel"' not in render_changes(journey, targets)  # the ended round's ranking stays as it was


def test_the_whole_board_snapshot_carries_the_workshop_parts():
    from live import broadcast

    journey, facilitator, _people, _points = make_workshop()
    services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=2)
    services.timer_start(journey=journey, actor=facilitator, duration_seconds=60)
    journey.refresh_from_db()
    snapshot = broadcast.catch_up(journey_id=journey.pk, since=0, language="en")
    assert 'data-kind="snapshot"' in snapshot and 'id="board-map"' in snapshot
    for part in ("voting-panel", "voting-status", "workshop-timer", "customer-indicator", "facilitator-focus"):
        assert f'id="{part}"' in snapshot, part
    assert 'data-status="running"' in snapshot and 'data-open="1"' in snapshot


def test_the_projector_opens_the_live_socket():
    journey, facilitator, _people, _points = make_workshop()
    html = client_for(facilitator).get(f"/j/{journey.pk}/workshop/projector/").content.decode()
    assert f'ws-connect="/ws/j/{journey.pk}/"' in html and "live/live.js" in html
    assert f'id="board-seq" data-seq="{journey.seq}"' in html
