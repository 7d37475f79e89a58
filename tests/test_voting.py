from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from journeys.errors import FacilitatorOnly
from journeys.models import Event, PainPoint
from tests.factories import make_department, make_pain_point, make_step, make_workshop
from workshops import selectors, services
from workshops.fragments import voting_fragments
from workshops.models import Dot, VotingRound

pytestmark = pytest.mark.django_db


def start(journey, facilitator, dots=2) -> VotingRound:
    return services.voting_round_start(journey=journey, actor=facilitator, dots_per_participant=dots)


def place(voting, who, pain_point):
    return services.dot_place(voting=voting, actor=who, pain_point=pain_point)


def test_a_participant_cannot_place_more_than_their_dots():
    journey, facilitator, (ann, _bob), (first, second, _third) = make_workshop()
    voting = start(journey, facilitator, dots=2)
    place(voting, ann, first)
    place(voting, ann, first)
    with pytest.raises(ValidationError, match="placed all your 2 dots"):
        place(voting, ann, second)
    assert Dot.objects.filter(round=voting, participant=ann).count() == 2


def test_one_participants_dots_are_independent_of_anothers():
    journey, facilitator, (ann, bob), (first, second, _third) = make_workshop()
    voting = start(journey, facilitator, dots=2)
    place(voting, ann, first)
    place(voting, ann, second)
    place(voting, bob, first)
    place(voting, bob, first)
    services.dot_remove(voting=voting, actor=bob, pain_point=first)
    assert selectors.dots_of(voting, ann) == {
        "round": voting.pk,
        "open": True,
        "dots_per_participant": 2,
        "dots_left": 0,
        "mine": {str(first.pk): 1, str(second.pk): 1},
    }
    assert selectors.dots_of(voting, bob)["mine"] == {str(first.pk): 1}
    assert selectors.dots_of(voting, bob)["dots_left"] == 1


def test_removing_a_dot_gives_it_back_and_removing_a_dot_you_do_not_have_is_refused():
    journey, facilitator, (ann, bob), (first, second, _third) = make_workshop()
    voting = start(journey, facilitator, dots=1)
    place(voting, ann, first)
    with pytest.raises(ValidationError, match="no dot on that pain point"):
        services.dot_remove(voting=voting, actor=bob, pain_point=first)
    services.dot_remove(voting=voting, actor=ann, pain_point=first)
    place(voting, ann, second)
    assert list(Dot.objects.values_list("participant", "pain_point")) == [(ann.pk, second.pk)]


def test_a_round_that_ended_refuses_dots_and_removals():
    journey, facilitator, (ann, _bob), (first, _second, _third) = make_workshop()
    voting = start(journey, facilitator)
    place(voting, ann, first)
    services.voting_round_end(voting=voting, actor=facilitator)
    seq = journey.seq
    with pytest.raises(ValidationError, match="has ended"):
        place(voting, ann, first)
    with pytest.raises(ValidationError, match="has ended"):
        services.dot_remove(voting=voting, actor=ann, pain_point=first)
    assert Dot.objects.count() == 1
    assert Event.objects.filter(journey=journey).order_by("seq").last().seq == seq


def test_only_the_facilitator_starts_reveals_and_ends_a_round():
    journey, facilitator, (ann, _bob), _points = make_workshop()
    with pytest.raises(FacilitatorOnly):
        start(journey, ann)
    voting = start(journey, facilitator)
    with pytest.raises(FacilitatorOnly):
        services.voting_tallies_show(voting=voting, actor=ann, visible=True)
    with pytest.raises(FacilitatorOnly):
        services.voting_round_end(voting=voting, actor=ann)
    voting.refresh_from_db()
    assert voting.is_open and not voting.tallies_visible
    assert VotingRound.objects.count() == 1


def test_a_second_open_round_is_refused_until_the_first_ends():
    journey, facilitator, _people, _points = make_workshop()
    first = start(journey, facilitator)
    with pytest.raises(ValidationError, match="already open"):
        start(journey, facilitator)
    services.voting_round_end(voting=first, actor=facilitator)
    assert start(journey, facilitator).pk != first.pk


@pytest.mark.parametrize("dots", [0, -1, 21])
def test_dots_per_participant_out_of_range_is_refused_and_nothing_saved(dots):
    journey, facilitator, _people, _points = make_workshop()
    seq = journey.seq
    with pytest.raises(ValidationError, match="between 1 and 20"):
        start(journey, facilitator, dots=dots)
    journey.refresh_from_db()
    assert VotingRound.objects.count() == 0 and journey.seq == seq


def test_dots_go_only_on_open_pain_points_of_this_journey():
    journey, facilitator, (ann, _bob), (first, _second, _third) = make_workshop()
    other, other_facilitator, _p, (foreign, *_rest) = make_workshop(participants=0, pain_points=1)
    voting = start(journey, facilitator)
    with pytest.raises(ValidationError, match="not on this journey"):
        place(voting, ann, foreign)
    PainPoint.objects.filter(pk=first.pk).update(status=PainPoint.Status.SOLVED)
    first.refresh_from_db()
    with pytest.raises(ValidationError, match="already closed"):
        place(voting, ann, first)
    assert Dot.objects.count() == 0


def test_an_ended_round_ranks_pain_points_by_dots_and_ties_share_a_rank():
    journey, facilitator, (ann, bob), (first, second, third) = make_workshop()
    voting = start(journey, facilitator, dots=3)
    for pain_point in (second, second, first):
        place(voting, ann, pain_point)
    for pain_point in (second, third, first):
        place(voting, bob, pain_point)
    services.voting_round_end(voting=voting, actor=facilitator)
    rows = selectors.voting_board(journey).rows
    assert [(row.pain_point.pk, row.dots, row.rank) for row in rows] == [
        (second.pk, 3, 1),
        (first.pk, 2, 2),
        (third.pk, 1, 3),
    ]


def test_rank_ties_share_a_rank_and_list_the_more_severe_first():
    department = make_department()
    journey, facilitator, _people, _points = make_workshop(pain_points=0)
    step = make_step(journey, title="Agent re-keys the address", department=department)
    low = make_pain_point(step, [department], text="low", severity="low")
    high = make_pain_point(step, [department], text="high", severity="high")
    none = make_pain_point(step, [department], text="none")
    rows = selectors.rank_pain_points([low, high, none], {low.pk: 2, high.pk: 2})
    ranked = [(row.pain_point.text, row.dots, row.rank) for row in rows]
    assert ranked == [("high", 2, 1), ("low", 2, 1), ("none", 0, 3)]


def test_tallies_stay_out_of_the_pushed_fragment_until_the_facilitator_shows_them():
    journey, facilitator, (ann, _bob), (first, _second, _third) = make_workshop()
    voting = start(journey, facilitator)
    place(voting, ann, first)
    hidden = "".join(voting_fragments(journey, {"voting": voting.pk}))
    assert "data-tally" not in hidden
    assert "Tallies stay hidden" in hidden
    services.voting_tallies_show(voting=voting, actor=facilitator, visible=True)
    shown = "".join(voting_fragments(journey, {"voting": voting.pk}))
    assert f'id="vote-{first.pk}"' in shown and 'data-tally="1"' in shown


def test_every_vote_is_a_sequenced_change_whose_push_carries_the_voting_panel():
    from live.fragments import render_changes

    journey, facilitator, (ann, _bob), (first, _second, _third) = make_workshop()
    voting = start(journey, facilitator)
    before = journey.seq
    place(voting, ann, first)
    event = Event.objects.get(journey=journey, seq=before + 1)
    assert event.kind == "vote.placed" and event.targets == {"voting": voting.pk}
    pushed = render_changes(journey, event.targets)
    assert 'id="voting-panel"' in pushed and 'id="voting-status"' in pushed and "csrfmiddlewaretoken" not in pushed


@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_of_one_participant_never_exceed_their_dots():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    journey, facilitator, (ann, _bob), (first, second, third) = make_workshop()
    voting = start(journey, facilitator, dots=2)

    def click(pain_point) -> str:
        try:
            place(voting, ann, pain_point)
            return "placed"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(click, [first, second, third] * 2))
    assert sorted(outcomes) == ["placed"] * 2 + ["refused"] * 4
    assert Dot.objects.filter(round=voting, participant=ann).count() == 2
