"""The domain services: every write to a journey, its validation, versions, operation ids and event log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from journeys import services
from journeys.changes import NotAMember, ReplayedOperation, StaleEdit
from journeys.models import Department, Event, Handoff, Journey, Lane, PainPoint, PainPointActivity, Step
from tests.factories import link, make_department, make_journey, make_pain_point, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only; nothing to protect


def titles_in_process_order(journey: Journey) -> list[str]:
    return list(Step.objects.filter(journey=journey).order_by("position", "id").values_list("title", flat=True))


def event_count(journey: Journey) -> int:
    return Event.objects.filter(journey=journey).count()


@pytest.fixture
def customer() -> Department:
    return make_department("Customer")


@pytest.fixture
def contact() -> Department:
    return make_department("Contact centre")


@pytest.fixture
def journey() -> Journey:
    return make_journey()


# Journeys ------------------------------------------------------------------------------------------------------


def test_creating_a_journey_makes_its_creator_the_facilitator():
    user = make_user()
    journey = services.journey_create(title="  I am moving  ", actor=user)
    assert journey.title == "I am moving"
    assert journey.memberships.get().user == user
    assert journey.memberships.get().role == "facilitator"


def test_a_journey_without_a_title_is_refused_and_not_saved():
    with pytest.raises(ValidationError) as error:
        services.journey_create(title="   ", actor=make_user())
    assert "title" in error.value.error_dict
    assert not Journey.objects.exists()


# Steps ---------------------------------------------------------------------------------------------------------


def test_new_steps_go_to_the_end_of_the_process(journey, customer):
    for title in ("Looks on the website", "Fills in the form", "Sends it"):
        make_step(journey, title, customer)
    assert titles_in_process_order(journey) == ["Looks on the website", "Fills in the form", "Sends it"]


def test_a_step_added_after_another_is_placed_right_behind_it(journey, customer):
    first = make_step(journey, "First", customer)
    make_step(journey, "Last", customer)
    make_step(journey, "Between", customer, after=first)
    assert titles_in_process_order(journey) == ["First", "Between", "Last"]


def test_the_first_step_in_a_department_gives_it_a_lane_once(journey, customer, contact):
    make_step(journey, "A", customer)
    make_step(journey, "B", contact)
    make_step(journey, "C", customer)
    lanes = Lane.objects.filter(journey=journey)
    assert [lane.department for lane in lanes] == [customer, contact]


def test_a_step_without_a_department_gets_no_lane_row(journey):
    step = make_step(journey, "Nobody does this yet", None)
    assert step.department is None
    assert not Lane.objects.filter(journey=journey).exists()


def test_a_step_without_a_title_is_refused_and_not_saved(journey, customer):
    with pytest.raises(ValidationError) as error:
        make_step(journey, "  ", customer)
    assert "title" in error.value.error_dict
    assert not Step.objects.exists()
    assert event_count(journey) == 0


def test_a_step_in_an_unknown_department_is_refused_and_not_saved(journey):
    ghost = Department(pk=987654, name="Ghost")
    with pytest.raises(ValidationError) as error:
        make_step(journey, "Haunted", ghost)
    assert error.value.message_dict["department"] == ["That department does not exist."]
    assert not Step.objects.exists()


def test_a_step_placed_after_a_step_of_another_journey_is_refused(journey, customer):
    elsewhere = make_step(make_journey(), "Elsewhere", customer)
    with pytest.raises(ValidationError, match="another journey"):
        make_step(journey, "Here", customer, after=elsewhere)
    assert not Step.objects.filter(journey=journey).exists()


def test_updating_a_step_saves_the_fields_and_bumps_its_version(journey, customer):
    step = make_step(journey, "Old", customer)
    updated = services.step_update(
        step=step,
        actor=journey.created_by,
        base_version=1,
        title=" New ",
        description=" Why ",
        channel="phone",
        duration_minutes=5,
    )
    step.refresh_from_db()
    assert (step.title, step.description, step.channel, step.duration_minutes) == ("New", "Why", "phone", 5)
    assert step.version == updated.version == 2


def test_a_stale_step_update_raises_with_both_values_and_saves_nothing(journey, customer):
    step = make_step(journey, "Theirs", customer)
    services.step_update(step=step, actor=journey.created_by, base_version=1, title="Theirs, edited")
    events_before = event_count(journey)
    with pytest.raises(StaleEdit) as stale:
        services.step_update(step=step, actor=journey.created_by, base_version=1, title="Mine")
    assert stale.value.current.title == "Theirs, edited"
    assert stale.value.attempted["title"] == "Mine"
    step.refresh_from_db()
    assert (step.title, step.version) == ("Theirs, edited", 2)
    assert event_count(journey) == events_before


def test_moving_a_step_after_another_reorders_the_process(journey, customer):
    a, b, c = (make_step(journey, title, customer) for title in "ABC")
    services.step_move(step=a, actor=journey.created_by, base_version=a.version, department=customer, after=c)
    assert titles_in_process_order(journey) == ["B", "C", "A"]


def test_moving_a_step_before_another_reorders_the_process(journey, customer):
    a, b, c = (make_step(journey, title, customer) for title in "ABC")
    services.step_move(step=c, actor=journey.created_by, base_version=c.version, department=customer, before=a)
    assert titles_in_process_order(journey) == ["C", "A", "B"]
    services.step_move(step=a, actor=journey.created_by, base_version=a.version, department=customer, before=b)
    assert titles_in_process_order(journey) == ["C", "A", "B"]


def test_moving_a_step_to_another_lane_keeps_its_place_and_adds_the_lane(journey, customer, contact):
    make_step(journey, "A", customer)
    b = make_step(journey, "B", customer)
    moved = services.step_move(step=b, actor=journey.created_by, base_version=b.version, department=contact)
    assert moved.department == contact
    assert moved.version == 2
    assert titles_in_process_order(journey) == ["A", "B"]
    assert Lane.objects.filter(journey=journey, department=contact).exists()


def test_lane_and_place_change_in_one_move_is_one_event(journey, customer, contact):
    a, b = make_step(journey, "A", customer), make_step(journey, "B", customer)
    before = event_count(journey)
    services.step_move(step=b, actor=journey.created_by, base_version=b.version, department=contact, before=a)
    b.refresh_from_db()
    assert b.department == contact
    assert titles_in_process_order(journey) == ["B", "A"]
    assert event_count(journey) == before + 1


def test_repeated_moves_into_the_same_gap_renumber_and_keep_the_order(journey, customer):
    first = make_step(journey, "First", customer)
    last = make_step(journey, "Last", customer)
    for index in range(14):  # each insert halves the gap; 1024 runs out after ten
        step = make_step(journey, f"Inserted {index}", customer)
        services.step_move(
            step=step, actor=journey.created_by, base_version=step.version, department=customer, after=first
        )
    order = titles_in_process_order(journey)
    assert order[0] == "First" and order[-1] == "Last"
    assert order[1:-1] == [f"Inserted {index}" for index in reversed(range(14))]
    assert last.pk  # still there


def test_moving_a_step_next_to_itself_is_refused(journey, customer):
    a = make_step(journey, "A", customer)
    with pytest.raises(ValidationError, match="next to itself"):
        services.step_move(step=a, actor=journey.created_by, base_version=1, department=customer, after=a)


def test_moving_a_step_next_to_a_step_of_another_journey_is_refused(journey, customer):
    a = make_step(journey, "A", customer)
    elsewhere = make_step(make_journey(), "Elsewhere", customer)
    with pytest.raises(ValidationError, match="another journey"):
        services.step_move(step=a, actor=journey.created_by, base_version=1, department=customer, before=elsewhere)
    a.refresh_from_db()
    assert a.version == 1


def test_a_stale_move_saves_nothing(journey, customer, contact):
    a = make_step(journey, "A", customer)
    services.step_update(step=a, actor=journey.created_by, base_version=1, title="A, renamed")
    with pytest.raises(StaleEdit):
        services.step_move(step=a, actor=journey.created_by, base_version=1, department=contact)
    a.refresh_from_db()
    assert a.department == customer
    assert not Lane.objects.filter(journey=journey, department=contact).exists()


def test_deleting_a_step_takes_its_hand_offs_and_pain_points(journey, customer):
    a, b = make_step(journey, "A", customer), make_step(journey, "B", customer)
    link(journey, a, b)
    make_pain_point(b, [customer])
    services.step_delete(step=b, actor=journey.created_by, base_version=b.version)
    assert list(Step.objects.filter(journey=journey)) == [a]
    assert not Handoff.objects.exists()
    assert not PainPoint.objects.exists()
    assert Event.objects.filter(journey=journey).last().targets == {
        "layout": True,
        "deleted_step": b.pk,
        "linked_steps": [a.pk],
    }


def test_a_stale_delete_keeps_the_step(journey, customer):
    a = make_step(journey, "A", customer)
    services.step_update(step=a, actor=journey.created_by, base_version=1, title="A2")
    with pytest.raises(StaleEdit):
        services.step_delete(step=a, actor=journey.created_by, base_version=1)
    assert Step.objects.filter(pk=a.pk).exists()


# Hand-offs -----------------------------------------------------------------------------------------------------


def test_a_hand_off_links_two_steps_with_a_label(journey, customer, contact):
    a, b = make_step(journey, "A", customer), make_step(journey, "B", contact)
    handoff = link(journey, a, b, "  web form ")
    assert (handoff.from_step, handoff.to_step, handoff.label) == (a, b, "web form")


def test_a_hand_off_from_a_step_to_itself_is_refused(journey, customer):
    a = make_step(journey, "A", customer)
    with pytest.raises(ValidationError) as error:
        link(journey, a, a)
    assert "to_step" in error.value.error_dict
    assert not Handoff.objects.exists()


def test_a_hand_off_to_a_step_of_another_journey_is_refused(journey, customer):
    a = make_step(journey, "A", customer)
    elsewhere = make_step(make_journey(), "Elsewhere", customer)
    for source, target in ((a, elsewhere), (elsewhere, a)):
        with pytest.raises(ValidationError, match="another journey"):
            link(journey, source, target)
    assert not Handoff.objects.exists()


def test_the_same_hand_off_twice_is_refused(journey, customer):
    a, b = make_step(journey, "A", customer), make_step(journey, "B", customer)
    link(journey, a, b)
    with pytest.raises(ValidationError, match="already linked"):
        link(journey, a, b)
    assert Handoff.objects.count() == 1


def test_relabelling_a_hand_off_checks_its_version(journey, customer):
    a, b = make_step(journey, "A", customer), make_step(journey, "B", customer)
    handoff = link(journey, a, b, "post")
    services.handoff_update(handoff=handoff, actor=journey.created_by, base_version=1, label="e-mail")
    with pytest.raises(StaleEdit):
        services.handoff_update(handoff=handoff, actor=journey.created_by, base_version=1, label="phone")
    handoff.refresh_from_db()
    assert (handoff.label, handoff.version) == ("e-mail", 2)


def test_deleting_a_hand_off_keeps_both_steps(journey, customer):
    a, b = make_step(journey, "A", customer), make_step(journey, "B", customer)
    handoff = link(journey, a, b)
    services.handoff_delete(handoff=handoff, actor=journey.created_by, base_version=1)
    assert not Handoff.objects.exists()
    assert Step.objects.filter(journey=journey).count() == 2


# Pain points ---------------------------------------------------------------------------------------------------


def test_a_pain_point_is_tagged_with_its_departments_and_logged(journey, customer, contact):
    step = make_step(journey, "A", customer)
    pain_point = make_pain_point(step, [contact, customer], text="  Nobody calls back ", severity="high")
    assert pain_point.text == "Nobody calls back"
    assert (pain_point.severity, pain_point.status) == ("high", "open")
    assert set(pain_point.responsible_departments.all()) == {customer, contact}
    kinds = list(pain_point.activities.values_list("kind", "text"))
    assert kinds == [("created", "Nobody calls back"), ("tagged", "Contact centre, Customer")]


def test_a_pain_point_without_a_department_is_refused_and_not_saved(journey, customer):
    step = make_step(journey, "A", customer)
    with pytest.raises(ValidationError) as error:
        make_pain_point(step, [])
    assert error.value.message_dict["responsible_departments"] == ["Name at least one responsible department."]
    assert not PainPoint.objects.exists()


def test_a_pain_point_for_an_unknown_department_is_refused_and_not_saved(journey, customer):
    step = make_step(journey, "A", customer)
    with pytest.raises(ValidationError) as error:
        make_pain_point(step, [customer, Department(pk=987654, name="Ghost")])
    assert error.value.message_dict["responsible_departments"] == ["That department does not exist."]
    assert not PainPoint.objects.exists()


def test_a_pain_point_without_text_or_with_an_unknown_severity_is_refused(journey, customer):
    step = make_step(journey, "A", customer)
    with pytest.raises(ValidationError) as error:
        make_pain_point(step, [customer], text=" ")
    assert "text" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        make_pain_point(step, [customer], severity="apocalyptic")
    assert "severity" in error.value.error_dict
    assert not PainPoint.objects.exists()
    assert not PainPointActivity.objects.exists()


def test_editing_a_pain_point_retags_and_logs_only_real_tag_changes(journey, customer, contact):
    step = make_step(journey, "A", customer)
    pain_point = make_pain_point(step, [customer])
    services.pain_point_update(
        pain_point=pain_point,
        actor=journey.created_by,
        base_version=1,
        text="Typo",
        severity="low",
        departments=[customer],
    )
    services.pain_point_update(
        pain_point=pain_point,
        actor=journey.created_by,
        base_version=2,
        text="Typo",
        severity="low",
        departments=[contact],
    )
    pain_point.refresh_from_db()
    assert pain_point.version == 3
    assert list(pain_point.responsible_departments.all()) == [contact]
    kinds = list(pain_point.activities.values_list("kind", flat=True))
    assert kinds == ["created", "tagged", "edited", "edited", "tagged"]


def test_a_stale_pain_point_edit_saves_nothing(journey, customer, contact):
    step = make_step(journey, "A", customer)
    pain_point = make_pain_point(step, [customer], text="Theirs")
    services.pain_point_update(
        pain_point=pain_point,
        actor=journey.created_by,
        base_version=1,
        text="Theirs 2",
        severity="low",
        departments=[customer],
    )
    with pytest.raises(StaleEdit) as stale:
        services.pain_point_update(
            pain_point=pain_point,
            actor=journey.created_by,
            base_version=1,
            text="Mine",
            severity="high",
            departments=[contact],
        )
    assert stale.value.attempted["text"] == "Mine"
    pain_point.refresh_from_db()
    assert (pain_point.text, pain_point.severity, pain_point.version) == ("Theirs 2", "low", 2)
    assert list(pain_point.responsible_departments.all()) == [customer]


def test_deleting_a_pain_point_keeps_the_step(journey, customer):
    step = make_step(journey, "A", customer)
    pain_point = make_pain_point(step, [customer])
    services.pain_point_delete(pain_point=pain_point, actor=journey.created_by, base_version=1)
    assert not PainPoint.objects.exists()
    assert Step.objects.filter(pk=step.pk).exists()


# The change log: sequence numbers, events, operation ids, membership -------------------------------------------


def test_every_change_takes_the_next_sequence_number_and_logs_one_event(journey, customer, contact):
    actor = journey.created_by
    a = make_step(journey, "A", customer, op_id="op-step-a")
    b = make_step(journey, "B", contact)
    handoff = link(journey, a, b)
    pain_point = make_pain_point(b, [contact])
    services.step_move(step=b, actor=actor, base_version=1, department=customer)
    services.pain_point_delete(pain_point=pain_point, actor=actor, base_version=1)
    events = list(Event.objects.filter(journey=journey).order_by("seq"))
    assert [event.seq for event in events] == [1, 2, 3, 4, 5, 6]
    assert [event.kind for event in events] == [
        "step.created",
        "step.created",
        "handoff.created",
        "pain_point.created",
        "step.moved",
        "pain_point.deleted",
    ]
    assert events[0].op_id == "op-step-a"
    assert events[0].actor == actor
    assert events[0].targets == {"layout": True, "step": a.pk}
    assert events[2].targets == {"layout": True, "handoff": handoff.pk, "step": a.pk, "other_step": b.pk}
    assert events[3].targets == {"step": b.pk, "pain_point": pain_point.pk}
    journey.refresh_from_db()
    assert journey.seq == 6


def test_a_replayed_operation_id_returns_the_first_event_and_changes_nothing(journey, customer):
    make_step(journey, "A", customer, op_id="op-once-only")
    with pytest.raises(ReplayedOperation) as replay:
        make_step(journey, "A", customer, op_id="op-once-only")
    assert replay.value.event.seq == 1
    assert Step.objects.filter(journey=journey).count() == 1
    assert event_count(journey) == 1
    journey.refresh_from_db()
    assert journey.seq == 1


def test_the_same_operation_id_on_another_journey_is_a_new_operation(journey, customer):
    make_step(journey, "A", customer, op_id="op-shared-id")
    other = make_journey()
    make_step(other, "B", customer, op_id="op-shared-id")
    assert Step.objects.count() == 2


def test_a_non_member_cannot_change_a_journey(journey, customer):
    outsider = make_user()
    with pytest.raises(NotAMember):
        make_step(journey, "Sneaky", customer, actor=outsider)
    assert not Step.objects.exists()
    assert event_count(journey) == 0


def test_a_failed_change_hands_out_no_sequence_number(journey, customer):
    a = make_step(journey, "A", customer)
    with pytest.raises(StaleEdit):
        services.step_update(step=a, actor=journey.created_by, base_version=7, title="B")
    b = make_step(journey, "B", customer)
    assert Event.objects.get(op_id="", targets__step=b.pk).seq == 2
