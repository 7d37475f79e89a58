"""A journey file carries the hand-offs' flow figures and the journey's failure demand and flow; older files import."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from demo.data import load_demo
from exchange import services as exchange
from journeys.models import Handoff
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FIGURES = ("wait_minutes", "share_percent", "complete_accurate_percent")


@pytest.fixture
def demo():
    return load_demo().journey


def figures_by_titles(journey) -> dict:
    handoffs = Handoff.objects.filter(journey=journey).select_related("from_step", "to_step")
    return {(h.from_step.title, h.to_step.title): tuple(getattr(h, name) for name in FIGURES) for h in handoffs}


def test_the_hand_offs_waiting_share_and_complete_accurate_travel_in_the_file(demo):
    data = exchange.journey_export(demo)

    copy = exchange.journey_import(data=data, actor=make_user())

    assert figures_by_titles(copy) == figures_by_titles(demo)
    calls_back = [h for h in data["handoffs"] if h["share_percent"] == 30]
    assert calls_back and calls_back[0]["wait_minutes"] == 30


def test_the_file_holds_the_figures_with_steps_named_by_their_key(demo):
    flow = exchange.journey_export(demo)["flow"]

    assert flow["contacts_per_question"] == pytest.approx(1 / 0.7, abs=1e-4)
    assert flow["failure_demand"] == pytest.approx(0.3, abs=1e-4)
    assert flow["main_route"]["steps"][0] == 1 and flow["main_route"]["lead_minutes"] > 0
    policy = [row for row in flow["departments"] if row["department"] == "Policy administration"][0]
    assert policy["repeat_contacts_per_question"] == pytest.approx(0.3 / 0.7, abs=1e-4)


def test_a_file_from_before_the_figures_existed_still_imports_with_none_known(demo):
    data = exchange.journey_export(demo)
    for handoff in data["handoffs"]:
        for name in FIGURES:
            del handoff[name]
    del data["flow"]

    copy = exchange.journey_import(data=data, actor=make_user())

    assert set(figures_by_titles(copy).values()) == {(None, None, None)}


def test_figures_out_of_range_are_named_and_nothing_is_imported(demo):
    data = exchange.journey_export(demo)
    data["handoffs"][0]["share_percent"] = 140
    data["handoffs"][1]["wait_minutes"] = -5
    data["handoffs"][2]["complete_accurate_percent"] = "90%"

    with pytest.raises(ValidationError) as refused:
        exchange.journey_import(data=data, actor=make_user())

    messages = refused.value.messages
    assert "handoffs[0].share_percent: at most 100" in messages
    assert "handoffs[1].wait_minutes: expected a whole number of at least 0" in messages
    assert "handoffs[2].complete_accurate_percent: expected a whole number of at least 0" in messages


def test_figures_in_a_file_are_not_trusted_but_computed_again(demo):
    data = exchange.journey_export(demo)
    data["flow"]["contacts_per_question"] = 1.0

    copy = exchange.journey_import(data=data, actor=make_user())

    assert exchange.journey_export(copy)["flow"]["contacts_per_question"] == pytest.approx(1 / 0.7, abs=1e-4)
