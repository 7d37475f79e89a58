from __future__ import annotations

import pytest

from journeys import services
from journeys.models import Event, Handoff, PainPoint, Step
from journeys.undo import CannotUndo, change_redo, change_undo
from tests.factories import link, make_department, make_journey, make_pain_point, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    anna, bram = make_user("anna"), make_user("bram")
    journey = make_journey(facilitator=anna, members=[bram])
    return journey, anna, bram


def rename(step: Step, title: str, actor) -> Step:
    step.refresh_from_db()
    return services.step_update(step=step, actor=actor, base_version=step.version, title=title)


def test_undo_of_a_rename_restores_the_old_title_as_a_new_change(board):
    journey, anna, _ = board
    step = make_step(journey, "Customer fills in form", actor=anna)
    rename(step, "Customer fills in the web form", anna)
    journey.refresh_from_db()
    seq_before = journey.seq

    event = change_undo(journey=journey, actor=anna)

    step.refresh_from_db()
    assert step.title == "Customer fills in form"
    assert event.seq == seq_before + 1
    assert event.kind == "undo"
    assert Event.objects.get(journey=journey, seq=seq_before).undone_by == event


def test_redo_puts_the_undone_change_back(board):
    journey, anna, _ = board
    step = make_step(journey, "Old", actor=anna)
    rename(step, "New", anna)
    change_undo(journey=journey, actor=anna)

    change_redo(journey=journey, actor=anna)

    step.refresh_from_db()
    assert step.title == "New"


def test_undo_twice_walks_back_through_my_own_changes(board):
    journey, anna, _ = board
    step = make_step(journey, "One", actor=anna)
    rename(step, "Two", anna)
    rename(step, "Three", anna)

    change_undo(journey=journey, actor=anna)
    change_undo(journey=journey, actor=anna)

    step.refresh_from_db()
    assert step.title == "One"


def test_undo_of_a_new_step_removes_it_and_redo_brings_it_back_with_the_same_id(board):
    journey, anna, _ = board
    step = make_step(journey, "Agent calls back", actor=anna)

    change_undo(journey=journey, actor=anna)
    assert not Step.objects.filter(pk=step.pk).exists()

    change_redo(journey=journey, actor=anna)
    assert Step.objects.get(pk=step.pk).title == "Agent calls back"


def test_undo_of_a_deleted_step_brings_back_its_hand_offs_and_pain_points(board):
    journey, anna, bram = board
    it = make_department("IT")
    first, second = make_step(journey, "First", actor=anna), make_step(journey, "Second", actor=anna)
    link(journey, first, second, "next")
    pain = make_pain_point(second, [it], "Status not visible", actor=bram)
    second.refresh_from_db()

    services.step_delete(step=second, actor=anna, base_version=second.version)
    change_undo(journey=journey, actor=anna)

    restored = Step.objects.get(pk=second.pk)
    assert restored.title == "Second"
    assert Handoff.objects.get(from_step=first, to_step=restored).label == "next"
    restored_pain = PainPoint.objects.get(pk=pain.pk)
    assert list(restored_pain.responsible_departments.all()) == [it]
    assert restored_pain.activities.count() == pain.activities.count()


def test_undo_is_refused_when_someone_else_has_since_changed_the_same_step(board):
    journey, anna, bram = board
    step = make_step(journey, "Original", actor=anna)
    rename(step, "Anna's title", anna)
    rename(step, "Bram's title", bram)

    with pytest.raises(CannotUndo):
        change_undo(journey=journey, actor=anna)

    step.refresh_from_db()
    assert step.title == "Bram's title"


def test_undo_is_refused_when_someone_has_built_on_my_new_step(board):
    journey, anna, bram = board
    step = make_step(journey, "Mine", actor=anna)
    make_pain_point(step, [make_department()], "Bram's pain point", actor=bram)
    seq = journey.seq

    with pytest.raises(CannotUndo):
        change_undo(journey=journey, actor=anna)

    assert Step.objects.filter(pk=step.pk).exists()
    assert Event.objects.filter(journey=journey).count() == seq


def test_undo_takes_back_only_my_own_change_not_a_later_one_of_someone_else(board):
    journey, anna, bram = board
    mine = make_step(journey, "Mine", actor=anna)
    theirs = make_step(journey, "Theirs", actor=bram)

    change_undo(journey=journey, actor=anna)

    assert not Step.objects.filter(pk=mine.pk).exists()
    assert Step.objects.filter(pk=theirs.pk).exists()


def test_nothing_to_undo_or_redo_says_so(board):
    journey, anna, _ = board
    with pytest.raises(CannotUndo, match="no change"):
        change_undo(journey=journey, actor=anna)
    with pytest.raises(CannotUndo, match="nothing to redo"):
        change_redo(journey=journey, actor=anna)


def test_redo_is_gone_once_i_make_a_new_change(board):
    journey, anna, _ = board
    make_step(journey, "One", actor=anna)
    change_undo(journey=journey, actor=anna)
    make_step(journey, "Two", actor=anna)

    with pytest.raises(CannotUndo):
        change_redo(journey=journey, actor=anna)


def test_undo_of_a_pain_point_edit_restores_text_and_departments(board):
    journey, anna, _ = board
    it, finance = make_department("IT"), make_department("Finance")
    pain = make_pain_point(make_step(journey, actor=anna), [it], "Typos", actor=anna)
    services.pain_point_update(
        pain_point=pain,
        actor=anna,
        base_version=pain.version,
        text="Typos in address",
        severity="high",
        departments=[finance],
    )

    change_undo(journey=journey, actor=anna)

    pain.refresh_from_db()
    assert (pain.text, pain.severity, list(pain.responsible_departments.all())) == ("Typos", "medium", [it])


def test_undo_button_answers_with_the_board_fragments(client, board):
    journey, anna, _ = board
    step = make_step(journey, "Brand new step", actor=anna)
    client.force_login(anna)

    response = client.post(f"/j/{journey.pk}/undo/", {"op_id": "undo-op-0001"})

    assert response.status_code == 200
    assert 'id="board-map"' in response.content.decode()
    assert not Step.objects.filter(pk=step.pk).exists()


def test_refused_undo_answers_409_with_the_reason_and_changes_nothing(client, board):
    journey, anna, bram = board
    step = make_step(journey, "Original", actor=anna)
    rename(step, "Bram's title", bram)
    count = Event.objects.count()
    client.force_login(anna)

    response = client.post(f"/j/{journey.pk}/undo/")

    assert response.status_code == 409
    assert "undo their work" in response.content.decode()
    assert Event.objects.count() == count
    assert Step.objects.get(pk=step.pk).title == "Bram's title"


def test_non_member_gets_404_from_undo_and_redo(client, board):
    journey, _, _ = board
    client.force_login(make_user("stranger"))
    assert client.post(f"/j/{journey.pk}/undo/").status_code == 404
    assert client.post(f"/j/{journey.pk}/redo/").status_code == 404


def test_undo_of_a_move_puts_the_step_back_in_its_lane_and_place(board):
    journey, anna, _ = board
    customer, contact = make_department("Customer"), make_department("Contact centre")
    first = make_step(journey, "First", customer, actor=anna)
    second = make_step(journey, "Second", customer, actor=anna)
    second.refresh_from_db()
    services.step_move(step=second, actor=anna, base_version=second.version, department=contact, before=first)

    change_undo(journey=journey, actor=anna)

    titles = list(Step.objects.filter(journey=journey).values_list("title", "department__name"))
    assert titles == [("First", "Customer"), ("Second", "Customer")]


def test_opening_cards_and_running_the_timer_do_not_stop_the_facilitator_undoing_and_redoing(board):
    from workshops import services as workshop

    journey, anna, _ = board
    first = make_step(journey, "Calls the contact centre", actor=anna)
    added = make_step(journey, "Receives a letter", actor=anna)
    workshop.focus_set(journey=journey, actor=anna, step=first)  # she opens a card: the board follows her focus
    workshop.timer_start(journey=journey, actor=anna, duration_seconds=300)

    change_undo(journey=journey, actor=anna)

    assert not Step.objects.filter(pk=added.pk).exists()
    workshop.focus_set(journey=journey, actor=anna, step=first)
    change_redo(journey=journey, actor=anna)
    assert Step.objects.filter(journey=journey, title="Receives a letter").exists()
