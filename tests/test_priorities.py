"""Value versus effort: who scores an open pain point or fix, dot votes as the default customer value, where each
lands in the matrix, and the page: the SVG's dots lead to the pain point or fix, the table holds the numbers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fixes import services as fixes
from journeys.errors import NotAllowed
from journeys.models import Event
from painpoints import services as lifecycle
from priorities import matrix, selectors, services
from priorities.models import Score
from tests.factories import make_owners_world, make_pain_point
from workshops import services as workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    world = make_owners_world()
    world["second"] = make_pain_point(world["step"], [world["it"]], "Customers call twice")
    return world


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def score(world: dict[str, Any], pain_point: Any, **values: Any) -> Score:
    values = {"customer_value": None, "business_value": None, "effort": None, **values}
    return services.pain_point_score(pain_point=pain_point, actor=world["carla"], **values)


def test_its_departments_score_an_open_pain_point_as_a_change_of_its_journey(world):
    saved = score(world, world["pain_point"], customer_value=4, business_value=2, effort=1)
    assert (saved.customer_value, saved.business_value, saved.effort) == (4, 2, 1)
    assert Event.objects.get(kind="pain_point.scored").targets["pain_point"] == world["pain_point"].pk
    with pytest.raises(NotAllowed):  # Dirk is Finance
        services.pain_point_score(
            pain_point=world["pain_point"], actor=world["dirk"], customer_value=1, business_value=1, effort=5
        )
    assert Score.objects.get().effort == 1


def test_scores_run_from_1_to_5_and_only_open_things_are_scored(world):
    with pytest.raises(ValidationError):
        score(world, world["pain_point"], effort=6)
    lifecycle.pain_point_solve(pain_point=world["second"], actor=world["carla"], resolution="Done", base_version=None)
    with pytest.raises(ValidationError):
        score(world, world["second"], effort=2)
    assert not Score.objects.exists()


def test_dot_votes_give_the_customer_value_where_nobody_set_one(world):
    voting = workshop.voting_round_start(journey=world["journey"], actor=world["anna"], dots_per_participant=3)
    for _ in range(2):
        workshop.dot_place(voting=voting, actor=world["ivo"], pain_point=world["second"])
    score(world, world["pain_point"], business_value=3, effort=2)
    items = {item.title: item for item in selectors.matrix_items(world["journey"])}
    most_voted, unvoted = items["Customers call twice"], items[world["pain_point"].text]
    assert (most_voted.dots, most_voted.customer_value, most_voted.customer_from_dots) == (2, 5, True)
    assert (unvoted.customer_value, unvoted.value, unvoted.placed) == (1, 2.0, True)
    assert not most_voted.placed  # no effort yet
    score(world, world["second"], customer_value=2)
    second = next(i for i in selectors.matrix_items(world["journey"]) if i.title == "Customers call twice")
    assert (second.customer_value, second.customer_from_dots) == (2, False)  # set by hand: the dots step aside


def test_the_matrix_puts_low_effort_left_and_high_value_on_top_and_spreads_equal_dots(world):
    score(world, world["pain_point"], customer_value=5, business_value=5, effort=1)
    score(world, world["second"], customer_value=5, business_value=5, effort=1)
    chart = matrix.matrix(selectors.matrix_items(world["journey"]))
    first, second = chart.dots
    assert first.y == second.y == matrix.y_of(5) < chart.middle_y  # on top
    assert abs(first.x - second.x) == matrix.SPREAD and (first.x + second.x) / 2 == matrix.x_of(1) < chart.middle_x
    assert [dot.number for dot in chart.dots] == [1, 2]


def test_a_fix_is_scored_by_its_owner_and_shows_with_its_pain_points_dots(world):
    fix = fixes.fix_create(actor=world["carla"], title="Status page")
    fixes.fix_link(fix=fix, pain_point=world["pain_point"], actor=world["carla"])
    with pytest.raises(NotAllowed):
        services.fix_score(fix=fix, actor=world["ivo"], customer_value=None, business_value=4, effort=4)
    services.fix_score(fix=fix, actor=world["carla"], customer_value=3, business_value=4, effort=4)
    item = next(i for i in selectors.matrix_items(world["journey"]) if i.kind == "fix")
    assert (item.value, item.effort, item.url) == (3.5, 4, reverse("fix_page", args=[fix.pk]))


def test_the_page_draws_a_dot_per_scored_item_that_opens_it_and_the_table_holds_the_numbers(world):
    score(world, world["pain_point"], customer_value=4, business_value=2, effort=1)
    page = logged_in(world["ivo"]).get(reverse("value_effort", args=[world["journey"].pk])).content.decode()
    pain_url = reverse("pain_point_page", args=[world["journey"].pk, world["pain_point"].pk])
    assert f'<a href="{pain_url}" class="matrix-dot kind-pain_point"' in page
    assert page.count('class="matrix-dot') == 1  # the second is not scored yet
    assert "not in the matrix until value and effort are scored" in page
    assert logged_in(world["outsider"]).get(reverse("value_effort", args=[world["journey"].pk])).status_code == 404


def test_scoring_through_the_page(world):
    pain_point = world["second"]
    url = reverse("pain_point_score", args=[world["journey"].pk, pain_point.pk])
    prefix = f"pain_point-{pain_point.pk}-"
    fields = {prefix + "customer_value": "", prefix + "business_value": "4", prefix + "effort": "2"}
    assert logged_in(world["dirk"]).post(url, fields).status_code == 403
    assert logged_in(world["outsider"]).post(url, fields).status_code == 404
    assert logged_in(world["carla"]).post(url, {**fields, prefix + "effort": "9"}).status_code == 422
    assert not Score.objects.exists()
    assert logged_in(world["carla"]).post(url, fields).status_code == 302
    saved = Score.objects.get()
    assert (saved.customer_value, saved.business_value, saved.effort) == (None, 4, 2)
