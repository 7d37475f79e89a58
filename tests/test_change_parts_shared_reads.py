"""The renderers of one change share their reads (live.fragments.shared_read: the steps the change names, a step's
hand-offs) and the step panel skips listing the pain points of a step its card counts none of. Neither may change a
byte of what the push and the answer carry: the parts equal those each renderer makes on its own with fresh reads,
and those the step's partials make from plain rows, as the board page renders them."""

from __future__ import annotations

from typing import Any

import pytest

from boards import flow_rendering, rendering
from comments import rendering as comments_rendering
from comments.services import step_comment_add
from journeys import selectors, services
from journeys.models import Event, Journey, Step
from live import fragments
from tests.factories import link, make_department, make_journey, make_pain_point, make_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def board() -> dict[str, Any]:
    journey = make_journey()
    department = make_department("Customer service")
    a, b, c, d = (make_step(journey, f"Step {name}", department) for name in "ABCD")
    link(journey, a, b, "form sent")
    link(journey, c, a)
    make_pain_point(a, [department], "Nobody says what happens next")
    step_comment_add(step=a, actor=journey.created_by, text="Status lives in two systems")
    return {"journey": journey, "department": department, "a": a, "b": b, "c": c, "d": d}


def old_pain_point_list_context(step: Step) -> dict[str, Any]:
    return {"step": step, "pain_points": list(selectors.pain_points_for_step(step))}


def without_shortcuts(journey: Journey, targets: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> fragments.Parts:
    """Each renderer on its own (no reads shared), the step panel listing pain points whatever the count."""
    with monkeypatch.context() as patch:
        patch.setattr(rendering, "pain_point_list_context", old_pain_point_list_context)
        renderers = [
            renderer
            for key, registered in fragments.FRAGMENT_RENDERERS.items()
            if key == "*" or targets.get(key)
            for renderer in registered
        ]
        return [(fragments.PAGES_OF.get(r, ("board",)), fragments.rendered(r, journey, targets)) for r in renderers]


def plain_panel(step_id: int) -> list[str]:
    """The step's panel from plain rows, outside any change (as the board page reads them)."""
    step = Step.objects.select_related("department").get(pk=step_id)
    return [
        rendering.render_part("step-summary", {"step": step}, oob=True),
        rendering.render_part("step-handoffs", rendering.step_handoffs_context(step), oob=True),
        rendering.render_part("pain-point-list", old_pain_point_list_context(step), oob=True),
    ]


def plain_routes_and_comments(step_id: int) -> list[str]:
    step = Step.objects.get(pk=step_id)
    return [flow_rendering.render_routes(step, oob=True), comments_rendering.comments_list(step, oob=True)]


def assert_same_parts(
    journey: Journey, monkeypatch: pytest.MonkeyPatch, step_id: int, other_step_id: int | None = None
) -> fragments.Parts:
    """The parts of the journey's last change, shared reads or not, are the same; the named steps' parts in them are
    those of plain rows (the routes and the comments follow the change's `step` only)."""
    event = Event.objects.filter(journey=journey).latest("seq")
    shared = fragments.change_parts(journey, event.targets)
    assert shared == without_shortcuts(journey, event.targets, monkeypatch)
    html = fragments.for_page(shared, None)
    expected = plain_panel(step_id) + plain_routes_and_comments(step_id)
    expected += plain_panel(other_step_id) if other_step_id else []
    for part in expected:
        assert part in html
    return shared


def test_a_rename_pushes_the_same_bytes_with_shared_reads(board, monkeypatch):
    journey, a = board["journey"], board["a"]
    services.step_update(step=a, actor=journey.created_by, base_version=a.version, title="Customer fills in the form")

    parts = assert_same_parts(journey, monkeypatch, a.pk)

    html = fragments.for_page(parts, None)
    assert "Customer fills in the form" in html and "Nobody says what happens next" in html
    assert "Status lives in two systems" in html and "form sent" in html


def test_a_rename_of_a_step_without_pain_points_pushes_the_same_bytes_without_listing_them(board, monkeypatch):
    journey, d = board["journey"], board["d"]
    services.step_update(step=d, actor=journey.created_by, base_version=d.version, title="Customer waits")

    assert_same_parts(journey, monkeypatch, d.pk)


def test_a_pain_point_added_pushes_the_same_bytes_with_shared_reads(board, monkeypatch):
    journey, b = board["journey"], board["b"]
    make_pain_point(b, [board["department"]], "The letter arrives a week later")

    parts = assert_same_parts(journey, monkeypatch, b.pk)

    assert "The letter arrives a week later" in fragments.for_page(parts, None)


def test_a_hand_off_added_pushes_the_same_bytes_with_shared_reads(board, monkeypatch):
    journey, b, c = board["journey"], board["b"], board["c"]
    link(journey, b, c, "call back")

    parts = assert_same_parts(journey, monkeypatch, b.pk, c.pk)

    assert "call back" in fragments.for_page(parts, None)


def test_the_renderers_of_a_rename_read_each_step_and_its_hand_offs_once(board, django_assert_num_queries):
    journey, a = board["journey"], board["a"]
    services.step_update(step=a, actor=journey.created_by, base_version=a.version, title="Customer fills in the form")
    event = Event.objects.filter(journey=journey).latest("seq")

    # The named step with its counts, its outgoing and incoming hand-offs, its pain points and their departments,
    # the linked steps' hand-off lists (the steps, then each one's two lists), the voting round, the comments.
    with django_assert_num_queries(12):
        fragments.change_parts(journey, event.targets)
