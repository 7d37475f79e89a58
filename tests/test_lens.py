"""The customer lens: seeded questions, answers per step through journey_change, unanswered steps visible."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from journeys import lens
from journeys.changes import NotAMember, StaleEdit
from journeys.models import Event, LensAnswer, LensQuestion
from live import broadcast
from tests.factories import make_journey, make_step, make_user

pytestmark = pytest.mark.django_db

seed = importlib.import_module("journeys.migrations.0003_lens_and_mirror")


@pytest.fixture(autouse=True)
def seeded_questions():
    """The data migration's seed; run again because a browser test's flush may have emptied the table."""
    seed.seed_lens_questions(django_apps, None)


def logged_in(client, user):
    client.force_login(user)
    return client


def test_seeded_questions_come_in_english_and_dutch():
    questions = list(LensQuestion.objects.all())
    assert len(questions) == 6
    assert questions[0].text_en == "How will the customer experience this?"
    assert questions[0].text_for("nl") == "Hoe zal de klant dat ervaren?"
    assert all(q.text_nl for q in questions)


def test_answering_a_question_is_a_journey_change_with_a_sequence_number():
    journey = make_journey()
    step = make_step(journey)
    question = LensQuestion.objects.first()
    before = journey.seq
    answer = lens.lens_answer_save(step=step, question=question, note="  They wait a day. ", actor=journey.created_by)
    assert answer.note == "They wait a day." and answer.version == 1
    event = Event.objects.get(journey=journey, seq=before + 1)
    assert event.kind == "lens.answered" and event.targets["lens"] == step.pk


def test_unanswered_steps_until_every_active_question_has_a_note():
    journey = make_journey()
    step, other = make_step(journey, "one"), make_step(journey, "two")
    for question in LensQuestion.objects.all():
        lens.lens_answer_save(step=step, question=question, note="noted", actor=journey.created_by)
    assert lens.steps_with_unanswered_questions(journey) == [other.pk]
    LensQuestion.objects.create(text_en="A new question", position=99)
    assert lens.steps_with_unanswered_questions(journey) == [step.pk, other.pk]


def test_empty_note_makes_the_question_unanswered_again():
    journey = make_journey()
    step = make_step(journey)
    question = LensQuestion.objects.first()
    lens.lens_answer_save(step=step, question=question, note="something", actor=journey.created_by)
    lens.lens_answer_save(step=step, question=question, note="   ", actor=journey.created_by, base_version=1)
    assert not LensAnswer.objects.exists()


def test_stale_answer_is_refused_and_nothing_changes():
    journey = make_journey()
    step = make_step(journey)
    question = LensQuestion.objects.first()
    lens.lens_answer_save(step=step, question=question, note="first", actor=journey.created_by, base_version=0)
    with pytest.raises(StaleEdit):
        lens.lens_answer_save(step=step, question=question, note="second", actor=journey.created_by, base_version=0)
    assert LensAnswer.objects.get().note == "first"


def test_too_long_note_and_retired_question_are_refused():
    journey = make_journey()
    step = make_step(journey)
    question = LensQuestion.objects.first()
    with pytest.raises(ValidationError):
        lens.lens_answer_save(step=step, question=question, note="x" * 2001, actor=journey.created_by)
    question.active = False
    question.save()
    with pytest.raises(ValidationError):
        lens.lens_answer_save(step=step, question=question, note="ok", actor=journey.created_by)
    assert not LensAnswer.objects.exists()


def test_non_member_cannot_answer():
    journey = make_journey()
    step = make_step(journey)
    with pytest.raises(NotAMember):
        lens.lens_answer_save(step=step, question=LensQuestion.objects.first(), note="x", actor=make_user())


def test_drawer_lens_section_and_answer_post_push_the_answer_and_the_panel(client):
    journey = make_journey()
    step = make_step(journey)
    question = LensQuestion.objects.first()
    client = logged_in(client, journey.created_by)
    section = client.get(f"/j/{journey.pk}/steps/{step.pk}/lens/").content.decode()
    assert f'id="lens-{step.pk}-{question.pk}"' in section and "Not answered yet." in section
    detail = client.get(f"/j/{journey.pk}/steps/{step.pk}/").content.decode()
    assert f"/j/{journey.pk}/steps/{step.pk}/lens/" in detail
    response = client.post(
        f"/j/{journey.pk}/steps/{step.pk}/lens/{question.pk}/", {"note": "Confusing", "base_version": "0"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="lens-{step.pk}-{question.pk}" class="lens-answer" hx-swap-oob="morph"' in html
    assert "Confusing" in html
    event = Event.objects.get(journey=journey, seq=int(response["X-Journey-Event-Seq"]))
    assert 'id="insights-panel"' in broadcast.follow_up_frames(event, "en", ["board"])["board"]  # behind the answer


def test_too_long_note_over_http_answers_422_and_saves_nothing(client):
    journey = make_journey()
    step = make_step(journey)
    question = LensQuestion.objects.first()
    response = logged_in(client, journey.created_by).post(
        f"/j/{journey.pk}/steps/{step.pk}/lens/{question.pk}/", {"note": "x" * 2001}
    )
    assert response.status_code == 422
    assert not LensAnswer.objects.exists()


def test_non_member_gets_404_for_every_lens_url(client):
    journey = make_journey()
    step = make_step(journey)
    question = LensQuestion.objects.first()
    client = logged_in(client, make_user())
    assert client.get(f"/j/{journey.pk}/steps/{step.pk}/lens/").status_code == 404
    assert client.post(f"/j/{journey.pk}/steps/{step.pk}/lens/{question.pk}/", {"note": "x"}).status_code == 404
    assert not LensAnswer.objects.exists()
