"""The board page keeps its expensive parts (cards, arrows, layout, graph analysis) between renders: every change
shows on the next render, the kept parts are exactly what a fresh render makes, and the query count stays fixed."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from boards import rendering
from journeys import services
from journeys.models import Handoff, Journey, Step
from tests.factories import link, make_department, make_journey, make_pain_point, make_step

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board() -> Journey:
    customer, office = make_department("Customer", "#112233"), make_department("Back office", "#445566")
    journey = make_journey(title="Change of address")
    steps = [make_step(journey, f"Step {i}", (customer, office)[i % 2]) for i in range(6)]
    for source, target in zip(steps, steps[1:], strict=False):
        link(journey, source, target, f"hand-off {source.title}")
    make_pain_point(steps[1], [office])
    return journey


def page(journey: Journey) -> str:
    client = Client()
    client.force_login(journey.created_by)
    response = client.get(reverse("board", args=[journey.pk]))
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, step: Step) -> str:
    return re.search(rf'<article id="step-{step.pk}".*?</article>', html, re.S).group(0)


def fresh_map(journey: Journey) -> str:
    """The map as a render with nothing kept makes it."""
    cache.clear()
    return rendering.render_map(Journey.objects.get(pk=journey.pk), oob=False)


def first_step(journey: Journey) -> Step:
    return Step.objects.filter(journey=journey).order_by("position").first()


def test_a_rename_shows_on_the_next_render_and_the_kept_map_equals_a_fresh_one(board):
    page(board)
    step = first_step(board)
    services.step_update(step=step, actor=board.created_by, base_version=step.version, title="Fills in the form")
    kept = rendering.render_map(Journey.objects.get(pk=board.pk), oob=False)
    assert "Fills in the form" in card(kept, step)
    assert ">Step 0<" not in kept
    assert kept == fresh_map(board)


def test_a_pain_point_shows_on_its_card_and_in_the_insights_panel(board):
    before = page(board)
    step = first_step(board)
    assert "pain-badge" not in card(before, step)
    make_pain_point(step, [make_department("Call centre")], severity="high")
    after = page(board)
    assert "has-pain" in card(after, step)
    assert "Call centre" in after.split('id="insights-panel"')[1]  # the panel's pain per department


def test_a_move_to_another_lane_lays_the_board_out_again(board):
    page(board)
    step = first_step(board)
    other_lane = Step.objects.filter(journey=board).exclude(department=step.department_id).first().department
    services.step_move(step=step, actor=board.created_by, base_version=step.version, department=other_lane)
    kept = rendering.render_map(Journey.objects.get(pk=board.pk), oob=False)
    assert f'data-department-id="{other_lane.pk}" data-move-url' in card(kept, step)
    assert kept == fresh_map(board)


def test_a_relabelled_hand_off_and_a_new_one_show_on_the_next_render(board):
    page(board)
    handoff = Handoff.objects.filter(journey=board).first()
    services.handoff_update(handoff=handoff, actor=board.created_by, base_version=handoff.version, label="by post")
    steps = list(Step.objects.filter(journey=board).order_by("position"))
    loop = link(board, steps[-1], steps[0], "asks again")
    html = page(board)
    assert f'id="arrow-label-{handoff.pk}"' in html and "by post" in html
    assert f'id="handoff-{loop.pk}" class="handoff loop' in html and "asks again" in html
    assert rendering.render_map(Journey.objects.get(pk=board.pk), oob=False) == fresh_map(board)


def test_a_department_colour_change_shows_on_its_cards(board):
    # Editing a department is no change of the journey (no new sequence number): the card's key holds the colour.
    page(board)
    step = first_step(board)
    step.department.colour = "#abcdef"
    step.department.save()
    assert "--lane-colour:#abcdef" in card(page(board), step)


def test_each_language_keeps_its_own_cards(board):
    page(board)
    step = first_step(board)
    make_pain_point(step, [make_department("Call centre")])
    with translation.override("nl"):
        dutch = rendering.render_map(Journey.objects.get(pk=board.pk), oob=False)
    english = rendering.render_map(Journey.objects.get(pk=board.pk), oob=False)
    assert "1 unsolved pain point" in card(english, step) and "1 unsolved pain point" not in card(dutch, step)


def _queries(journey: Journey, *, empty_cache: bool) -> int:
    client = Client()
    client.force_login(journey.created_by)
    client.get(reverse("board", args=[journey.pk]))  # session, content types
    if empty_cache:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("board", args=[journey.pk])).status_code == 200
    return len(captured)


def _board_of(size: int) -> Journey:
    departments = [make_department(f"Dept {size}-{i}") for i in range(3)]
    journey = make_journey(title=f"Board of {size}")
    steps = [make_step(journey, f"Step {i}", departments[i % 3]) for i in range(size)]
    for source, target in zip(steps, steps[1:], strict=False):
        link(journey, source, target, "next")
    for one in steps[::4]:
        make_pain_point(one, departments[:2])
    return journey


def test_the_board_takes_as_many_queries_for_40_steps_as_for_8_with_an_empty_cache_and_a_full_one():
    # A full cache saves the insights panel's reads (kept per change); the kept cards, arrows and layout save none.
    small, large = _board_of(8), _board_of(40)
    empty = _queries(small, empty_cache=True)
    full = _queries(small, empty_cache=False)
    assert _queries(large, empty_cache=True) == empty <= 40
    assert _queries(large, empty_cache=False) == full < empty


# The loop the board-map partial ran over its cards before `rendering.slots` joined them in Python.
SLOT_LOOP = (
    "{% for box, card in placed_cards %}\n"
    '  <div class="slot" style="{{ box.style }}" data-column="{{ box.column }}" data-row="{{ box.row }}">'
    "{{ card }}</div>\n"
    "  {% endfor %}"
)


def test_the_cards_slots_are_the_bytes_the_template_loop_wrote(board):
    from django.template import Context, Template

    step = first_step(board)
    services.step_update(step=step, actor=board.created_by, base_version=step.version, title='Says "<hello>" & more')
    context = rendering.map_context(Journey.objects.get(pk=board.pk))
    looped = Template("{% load l10n %}{% localize off %}" + SLOT_LOOP + "{% endlocalize %}").render(Context(context))

    assert str(context["slots"]) == looped
    assert context["slots"].count('class="slot"') == 6 and "&lt;hello&gt;" in context["slots"]


def test_the_insights_panel_pushed_and_shown_is_the_panel_its_template_renders(board):
    from django.template.loader import render_to_string

    from boards import insights_panel

    journey = Journey.objects.get(pk=board.pk)
    for first, second in ((True, False), (False, True)):
        cache.clear()
        kept = {first: insights_panel.render_panel(journey, oob=first)}
        kept[second] = insights_panel.render_panel(journey, oob=second)  # from the same render
        for oob in (True, False):
            context = {**insights_panel.panel_context(journey), "oob": oob}
            assert kept[oob] == render_to_string(f"{insights_panel.PANEL}#insights-panel", context)
    assert 'hx-swap-oob="morph"' in kept[True] and "hx-swap-oob" not in kept[False]


def test_the_page_with_everything_kept_is_the_page_rendered_from_nothing(board):
    page(board)  # fills every cache
    step = first_step(board)
    services.step_update(step=step, actor=board.created_by, base_version=step.version, title="Renamed")
    kept = page(board)
    cache.clear()
    fresh = page(board)

    def without_tokens(html: str) -> str:  # the CSRF token is new on every response, the server's clock moves
        return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": |data-server-now-ms=)"[^"]+"', r"\1", html)

    assert without_tokens(kept) == without_tokens(fresh)


def test_after_a_change_the_insights_panel_is_rendered_for_the_next_load(board, django_capture_on_commit_callbacks):
    from django.template.loader import render_to_string

    from boards import insights_panel

    step = first_step(board)
    with django_capture_on_commit_callbacks(execute=True):  # the change's push and after-push jobs
        services.step_update(step=step, actor=board.created_by, base_version=step.version, title="Renamed")
    journey = Journey.objects.get(pk=board.pk)

    with CaptureQueriesContext(connection) as captured:
        kept = insights_panel.render_panel(journey, oob=False)
    assert len(captured) == 1  # the journey's seq: the panel of this change is there
    assert "Renamed" in kept
    context = {**insights_panel.panel_context(journey), "oob": False}
    assert kept == render_to_string(f"{insights_panel.PANEL}#insights-panel", context)
