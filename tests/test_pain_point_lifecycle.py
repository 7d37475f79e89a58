"""The pain point lifecycle services: every transition allowed and refused, who may act, versions, the timeline."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from journeys.changes import NotAMember, ReplayedOperation, StaleEdit, journey_changed
from journeys.models import Event, PainPoint, PainPointActivity
from live import fragments
from painpoints import services as lifecycle
from tests.factories import make_owners_world

pytestmark = pytest.mark.django_db

Status = PainPoint.Status
NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def world() -> dict[str, Any]:
    return make_owners_world()


def put_in_state(pain_point: PainPoint, status: str, owner: Any = None) -> PainPoint:
    """Arrange a state directly (test setup only); open means no owner, the others keep one."""
    PainPoint.objects.filter(pk=pain_point.pk).update(status=status, owner=None if status == Status.OPEN else owner)
    return PainPoint.objects.get(pk=pain_point.pk)


def act(action: str, pain_point: PainPoint, actor: Any, *, colleague: Any = None, version: int | None = None) -> Any:
    """Call the service for `action` with valid input."""
    calls: dict[str, Callable[[], Any]] = {
        "pick_up": lambda: lifecycle.pain_point_pick_up(pain_point=pain_point, actor=actor, base_version=version),
        "hand_over": lambda: lifecycle.pain_point_hand_over(
            pain_point=pain_point, actor=actor, to_user_id=colleague.pk, base_version=version
        ),
        "give_back": lambda: lifecycle.pain_point_give_back(pain_point=pain_point, actor=actor, base_version=version),
        "plan_fix": lambda: lifecycle.pain_point_plan_fix(
            pain_point=pain_point,
            actor=actor,
            fix_description="Show the policy status in the agent screen",
            target_date=NEXT_WEEK,
            base_version=version,
        ),
        "solve": lambda: lifecycle.pain_point_solve(
            pain_point=pain_point, actor=actor, resolution="Status page added", base_version=version
        ),
        "wont_fix": lambda: lifecycle.pain_point_mark_wont_fix(
            pain_point=pain_point, actor=actor, reason="The policy system is replaced next year", base_version=version
        ),
        "reopen": lambda: lifecycle.pain_point_reopen(
            pain_point=pain_point, actor=actor, reason="Customers still call", base_version=version
        ),
        "comment": lambda: lifecycle.pain_point_comment(pain_point=pain_point, actor=actor, text="Seen it twice today"),
    }
    return calls[action]()


def snapshot(pain_point: PainPoint) -> tuple:
    row = PainPoint.objects.get(pk=pain_point.pk)
    return (row.status, row.owner_id, row.version, row.activities.count(), Event.objects.count())


# Allowed and refused transitions, exhaustively -------------------------------------------------------------------

ALLOWED = {
    (Status.OPEN, "pick_up"): Status.IN_PROGRESS,
    (Status.OPEN, "hand_over"): Status.IN_PROGRESS,
    (Status.OPEN, "solve"): Status.SOLVED,
    (Status.OPEN, "wont_fix"): Status.WONT_FIX,
    (Status.OPEN, "comment"): Status.OPEN,
    (Status.IN_PROGRESS, "hand_over"): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, "give_back"): Status.OPEN,
    (Status.IN_PROGRESS, "plan_fix"): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, "solve"): Status.SOLVED,
    (Status.IN_PROGRESS, "wont_fix"): Status.WONT_FIX,
    (Status.IN_PROGRESS, "comment"): Status.IN_PROGRESS,
    (Status.SOLVED, "reopen"): Status.OPEN,
    (Status.SOLVED, "comment"): Status.SOLVED,
    (Status.WONT_FIX, "reopen"): Status.OPEN,
    (Status.WONT_FIX, "comment"): Status.WONT_FIX,
}
EVERY_PAIR = [(status, action) for status in Status.values for action in lifecycle.TRANSITIONS]
REFUSED = [pair for pair in EVERY_PAIR if pair not in ALLOWED]


@pytest.mark.parametrize(("status", "action"), list(ALLOWED))
def test_allowed_transition_moves_to_its_state_and_logs_it(world, status, action):
    carla, ivo = world["carla"], world["ivo"]
    pain_point = put_in_state(world["pain_point"], status, owner=carla)
    before = snapshot(pain_point)

    act(action, pain_point, carla, colleague=ivo, version=pain_point.version)

    after = PainPoint.objects.get(pk=pain_point.pk)
    assert after.status == ALLOWED[(status, action)]
    assert (after.status == Status.OPEN) == (after.owner_id is None)
    entry = after.activities.order_by("-created_at", "-id").first()
    assert entry.kind == lifecycle.KINDS[action]
    assert (entry.actor, entry.from_status, entry.to_status) == (carla, status, after.status)
    assert after.version == before[2] + (0 if action == "comment" else 1)
    event = Event.objects.order_by("-seq").first()
    assert event.kind == f"pain_point.{action}"
    assert event.targets == {"step": world["step"].pk, "pain_point": pain_point.pk}


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_refused_transition_says_why_and_changes_nothing(world, status, action):
    carla, ivo = world["carla"], world["ivo"]
    pain_point = put_in_state(world["pain_point"], status, owner=carla)
    before = snapshot(pain_point)

    with pytest.raises(lifecycle.IllegalTransition) as refused:
        act(action, pain_point, carla, colleague=ivo, version=pain_point.version)

    assert str(refused.value)
    assert snapshot(pain_point) == before


def test_every_action_has_a_transition_entry_and_a_timeline_kind():
    assert set(lifecycle.TRANSITIONS) == set(lifecycle.KINDS)
    assert len(ALLOWED) + len(REFUSED) == len(Status.values) * len(lifecycle.TRANSITIONS)


# Who may act ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(lifecycle.OWNER_ACTIONS))
def test_member_of_another_department_is_refused_every_state_change(world, action):
    status = Status.SOLVED if action == "reopen" else Status.IN_PROGRESS
    pain_point = put_in_state(world["pain_point"], status, owner=world["carla"])
    before = snapshot(pain_point)

    with pytest.raises(lifecycle.PainPointRefused, match="Only members of IT or the journey's facilitator"):
        act(action, pain_point, world["dirk"], colleague=world["ivo"], version=pain_point.version)

    assert snapshot(pain_point) == before


@pytest.mark.parametrize("action", sorted(lifecycle.TRANSITIONS))
def test_non_member_of_the_journey_is_refused_even_in_the_right_department(world, action):
    status = Status.SOLVED if action == "reopen" else Status.IN_PROGRESS
    pain_point = put_in_state(world["pain_point"], status, owner=world["carla"])
    before = snapshot(pain_point)

    with pytest.raises(NotAMember):
        act(action, pain_point, world["outsider"], colleague=world["ivo"], version=pain_point.version)

    assert snapshot(pain_point) == before


def test_facilitator_outside_the_responsible_departments_may_pick_up_and_solve(world):
    anna = world["anna"]
    pain_point = lifecycle.pain_point_pick_up(pain_point=world["pain_point"], actor=anna, base_version=None)
    pain_point = lifecycle.pain_point_solve(pain_point=pain_point, actor=anna, resolution="Done", base_version=None)
    assert (pain_point.status, pain_point.owner) == (Status.SOLVED, anna)


def test_member_of_another_department_may_still_comment(world):
    text = "Finance sees it too"
    entry = lifecycle.pain_point_comment(pain_point=world["pain_point"], actor=world["dirk"], text=text)
    assert (entry.kind, entry.actor, entry.text) == (PainPointActivity.Kind.COMMENTED, world["dirk"], text)


def test_picking_up_one_someone_else_picked_up_tells_who_has_it(world):
    pain_point = world["pain_point"]
    seen_version = pain_point.version
    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=seen_version)
    before = snapshot(pain_point)

    with pytest.raises(lifecycle.AlreadyTaken, match="Carla Bakker has already picked up") as taken:
        lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["ivo"], base_version=seen_version)

    assert taken.value.owner == world["carla"]
    assert snapshot(pain_point) == before


def test_picking_up_ones_own_pain_point_again_is_refused(world):
    pain_point = lifecycle.pain_point_pick_up(pain_point=world["pain_point"], actor=world["carla"], base_version=None)
    with pytest.raises(lifecycle.IllegalTransition, match="already picked up"):
        lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=None)


def test_only_the_owner_or_the_facilitator_gives_it_back(world):
    pain_point = put_in_state(world["pain_point"], Status.IN_PROGRESS, owner=world["carla"])
    with pytest.raises(lifecycle.PainPointRefused, match="Only its owner, Carla Bakker"):
        lifecycle.pain_point_give_back(pain_point=pain_point, actor=world["ivo"], base_version=None)

    given_back = lifecycle.pain_point_give_back(pain_point=pain_point, actor=world["anna"], base_version=None)
    assert (given_back.status, given_back.owner) == (Status.OPEN, None)


# Hand-over ------------------------------------------------------------------------------------------------------


def test_hand_over_gives_it_to_the_colleague_and_names_them_in_the_timeline(world):
    pain_point = lifecycle.pain_point_pick_up(pain_point=world["pain_point"], actor=world["carla"], base_version=None)
    handed = lifecycle.pain_point_hand_over(
        pain_point=pain_point, actor=world["carla"], to_user_id=world["ivo"].pk, base_version=pain_point.version
    )
    assert (handed.status, handed.owner) == (Status.IN_PROGRESS, world["ivo"])
    assert handed.activities.get(kind=PainPointActivity.Kind.HANDED_OVER).text == "Ivo Mol"


@pytest.mark.parametrize(
    ("colleague_key", "message"),
    [
        ("dirk", "is not in a responsible department (IT)"),
        ("outsider", "is not on this journey"),
        ("carla", "already has it"),
        (None, "Choose the colleague"),
    ],
)
def test_hand_over_to_someone_who_cannot_take_it_is_refused(world, colleague_key, message):
    pain_point = put_in_state(world["pain_point"], Status.IN_PROGRESS, owner=world["carla"])
    before = snapshot(pain_point)
    to_user_id = world[colleague_key].pk if colleague_key else None

    with pytest.raises(ValidationError, match=re.escape(message)):
        lifecycle.pain_point_hand_over(
            pain_point=pain_point, actor=world["carla"], to_user_id=to_user_id, base_version=None
        )

    assert snapshot(pain_point) == before


# Required input -------------------------------------------------------------------------------------------------


def test_plan_fix_records_what_changes_and_by_when(world):
    pain_point = put_in_state(world["pain_point"], Status.IN_PROGRESS, owner=world["carla"])
    planned = lifecycle.pain_point_plan_fix(
        pain_point=pain_point,
        actor=world["carla"],
        fix_description="  Status page in the agent screen ",
        target_date=NEXT_WEEK,
        base_version=pain_point.version,
    )
    assert (planned.fix_description, planned.target_date) == ("Status page in the agent screen", NEXT_WEEK)
    assert planned.activities.get(kind=PainPointActivity.Kind.PLANNED).text.startswith(NEXT_WEEK.isoformat())


@pytest.mark.parametrize(
    ("fix", "target_date", "field"),
    [
        ("   ", NEXT_WEEK, "fix_description"),
        ("Status page", None, "target_date"),
        ("Status page", timezone.localdate() - datetime.timedelta(days=1), "target_date"),
    ],
)
def test_plan_fix_needs_a_description_and_a_target_date_not_in_the_past(world, fix, target_date, field):
    pain_point = put_in_state(world["pain_point"], Status.IN_PROGRESS, owner=world["carla"])
    before = snapshot(pain_point)
    with pytest.raises(ValidationError) as error:
        lifecycle.pain_point_plan_fix(
            pain_point=pain_point, actor=world["carla"], fix_description=fix, target_date=target_date, base_version=None
        )
    assert field in error.value.error_dict
    assert snapshot(pain_point) == before


@pytest.mark.parametrize(
    ("service", "status", "field"),
    [
        (lambda pp, actor: lifecycle.pain_point_solve(pain_point=pp, actor=actor, resolution=" ", base_version=None),
         Status.IN_PROGRESS, "resolution"),
        (lambda pp, actor: lifecycle.pain_point_mark_wont_fix(pain_point=pp, actor=actor, reason="", base_version=None),
         Status.IN_PROGRESS, "reason"),
        (lambda pp, actor: lifecycle.pain_point_reopen(pain_point=pp, actor=actor, reason=" ", base_version=None),
         Status.SOLVED, "reason"),
        (lambda pp, actor: lifecycle.pain_point_comment(pain_point=pp, actor=actor, text=""), Status.OPEN, "text"),
    ],
)  # fmt: skip
def test_a_reason_is_required_where_stated(world, service, status, field):
    pain_point = put_in_state(world["pain_point"], status, owner=world["carla"])
    before = snapshot(pain_point)
    with pytest.raises(ValidationError) as error:
        service(pain_point, world["carla"])
    assert field in error.value.error_dict
    assert snapshot(pain_point) == before


def test_solving_stamps_the_time_and_reopening_clears_owner_and_resolution(world):
    pain_point = put_in_state(world["pain_point"], Status.IN_PROGRESS, owner=world["carla"])
    solved = lifecycle.pain_point_solve(
        pain_point=pain_point, actor=world["carla"], resolution="Status page added", base_version=None
    )
    assert solved.solved_at is not None and solved.resolution == "Status page added"

    reopened = lifecycle.pain_point_reopen(
        pain_point=solved, actor=world["ivo"], reason="Customers still call", base_version=solved.version
    )
    assert (reopened.status, reopened.owner, reopened.solved_at, reopened.resolution) == (Status.OPEN, None, None, "")
    assert reopened.activities.get(kind=PainPointActivity.Kind.REOPENED).text == "Customers still call"


def test_solving_an_open_one_at_once_makes_the_solver_its_owner(world):
    solved = lifecycle.pain_point_solve(
        pain_point=world["pain_point"], actor=world["ivo"], resolution="Fixed in the meeting", base_version=None
    )
    assert (solved.status, solved.owner) == (Status.SOLVED, world["ivo"])


# Versions, replays and the live path ------------------------------------------------------------------------------


def test_stale_version_raises_stale_edit_and_changes_nothing(world):
    pain_point = put_in_state(world["pain_point"], Status.IN_PROGRESS, owner=world["carla"])
    seen = pain_point.version
    lifecycle.pain_point_plan_fix(
        pain_point=pain_point, actor=world["ivo"], fix_description="A", target_date=NEXT_WEEK, base_version=seen
    )
    before = snapshot(pain_point)

    with pytest.raises(StaleEdit) as stale:
        lifecycle.pain_point_solve(pain_point=pain_point, actor=world["carla"], resolution="B", base_version=seen)

    assert stale.value.current.version == seen + 1
    assert stale.value.attempted["resolution"] == "B"
    assert snapshot(pain_point) == before


def test_comments_do_not_bump_the_version_so_they_never_cause_a_conflict(world):
    pain_point = world["pain_point"]
    seen = pain_point.version
    lifecycle.pain_point_comment(pain_point=pain_point, actor=world["dirk"], text="Same here")
    picked = lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=seen)
    assert picked.owner == world["carla"]


def test_a_replayed_operation_id_is_applied_once(world):
    pain_point = world["pain_point"]
    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=None, op_id="op-123456789")
    before = snapshot(pain_point)
    with pytest.raises(ReplayedOperation):
        lifecycle.pain_point_pick_up(
            pain_point=pain_point, actor=world["carla"], base_version=None, op_id="op-123456789"
        )
    assert snapshot(pain_point) == before


def test_solving_announces_the_change_after_commit_with_the_card_and_the_owner_row(
    world, django_capture_on_commit_callbacks
):
    heard: list[Event] = []

    def listener(sender: Any, event: Event, **kwargs: Any) -> None:
        heard.append(event)

    journey_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.pain_point_solve(
                pain_point=world["pain_point"], actor=world["carla"], resolution="Done", base_version=None
            )
    finally:
        journey_changed.disconnect(listener)

    assert [event.kind for event in heard] == ["pain_point.solve"]
    html = fragments.render_changes(world["journey"], heard[0].targets)
    card = html[html.index(f'id="step-{world["step"].pk}"') :]
    assert "all-solved" in card[: card.index("</article>")]
    assert f'id="owner-row-{world["pain_point"].pk}"' in html
    assert f'id="pain-point-{world["pain_point"].pk}"' in html


# Pure helpers -----------------------------------------------------------------------------------------------------


def test_overdue_means_still_open_and_past_its_target_date():
    today = datetime.date(2026, 11, 23)
    late = PainPoint(status=Status.IN_PROGRESS, target_date=datetime.date(2026, 11, 22))
    assert lifecycle.is_overdue(late, today)
    assert not lifecycle.is_overdue(PainPoint(status=Status.IN_PROGRESS, target_date=today), today)
    assert not lifecycle.is_overdue(PainPoint(status=Status.SOLVED, target_date=datetime.date(2026, 1, 1)), today)
    assert not lifecycle.is_overdue(PainPoint(status=Status.OPEN, target_date=None), today)


def test_available_actions_follow_the_state_and_the_viewer():
    in_progress = PainPoint(status=Status.IN_PROGRESS, owner_id=7)
    assert lifecycle.available_actions(in_progress, may_act=False, is_owner=False, facilitator=False) == ["comment"]
    colleague = lifecycle.available_actions(in_progress, may_act=True, is_owner=False, facilitator=False)
    assert "give_back" not in colleague and "solve" in colleague
    assert "give_back" in lifecycle.available_actions(in_progress, may_act=True, is_owner=True, facilitator=False)
    solved = PainPoint(status=Status.SOLVED, owner_id=7)
    assert lifecycle.available_actions(solved, may_act=True, is_owner=True, facilitator=False) == [
        "reopen",
        "comment",
    ]


def test_demo_pain_points_walk_their_lifecycle_through_the_services():
    from demo.data import load_demo

    journey = load_demo().journey
    by_text = {p.text: p for p in journey.pain_points.select_related("owner")}
    overdue = by_text["The agent cannot see the status of the change"]
    assert (overdue.status, overdue.owner.username) == (Status.IN_PROGRESS, "carla")
    assert lifecycle.is_overdue(overdue)
    assert not lifecycle.is_overdue(by_text["Re-keying the address causes typos"])
    solved = by_text["The new policy schedule goes to the old address"]
    assert solved.status == Status.SOLVED and solved.solved_at is not None
    kinds = list(solved.activities.values_list("kind", flat=True))
    assert kinds == ["created", "tagged", "picked_up", "solved"]
    assert Event.objects.filter(journey=journey, kind="pain_point.solve").count() == 3
