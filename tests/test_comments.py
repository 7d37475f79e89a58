"""Comments on steps and @mentions: what counts as a mention, who hears of it, the discussion in the drawer and on
its own page, the suggestion list's members, undo, and refusals (empty comment, someone off the journey)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from comments import services
from comments.mentions import highlighted, mentioned_members, mentioned_usernames
from comments.models import StepComment
from journeys import undo
from journeys.models import Event
from live import fragments
from notifications.models import Kind, Notification
from painpoints import services as lifecycle
from tests.factories import make_owners_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    return make_owners_world()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(change: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# What a mention is ----------------------------------------------------------------------------------------------------


def test_a_mention_is_an_at_sign_and_a_username_not_an_email_address():
    text = "@carla and @Ivo.Mol, see this. Mail dirk@example.org or ask @carla again."
    assert mentioned_usernames(text) == ["carla", "Ivo.Mol"]
    assert mentioned_usernames("@ivo.") == ["ivo"]  # the full stop ends the sentence
    assert mentioned_usernames("nobody@here, @ alone") == []


def test_only_members_of_the_journey_can_be_mentioned(world):
    found = mentioned_members(world["journey"].pk, "@CARLA @outsider @nobody @ivo")
    assert [user.username for user in found] == ["carla", "ivo"]  # outsider is IT but not on the journey


def test_highlighting_escapes_the_text_and_marks_mentions():
    html = highlighted("<b>@carla</b> & co")
    assert html == '&lt;b&gt;<span class="mention">@carla</span>&lt;/b&gt; &amp; co'


# Who hears of it ------------------------------------------------------------------------------------------------------


def test_a_mention_in_a_pain_point_comment_tells_the_member_named_once_as_mentioned(world, committed):
    pain_point = world["pain_point"]
    lifecycle.pain_point_pick_up(pain_point=pain_point, actor=world["carla"], base_version=None)
    committed(
        lambda: lifecycle.pain_point_comment(pain_point=pain_point, actor=world["dirk"], text="@carla @outsider @dirk")
    )
    assert told(Kind.MENTIONED) == {"carla"}  # not the outsider, not Dirk himself
    assert told(Kind.COMMENTED) == {"anna"}  # the reporter; Carla heard of it as mentioned
    mention = Notification.objects.get(kind=Kind.MENTIONED)
    assert mention.text == "@carla @outsider @dirk" and mention.pain_point_id == pain_point.pk


def test_a_step_comment_tells_who_discussed_the_step_before_and_who_it_mentions(world, committed):
    step = world["step"]
    services.step_comment_add(step=step, actor=world["carla"], text="Status lives in two systems")
    committed(lambda: services.step_comment_add(step=step, actor=world["dirk"], text="@ivo can IT merge them?"))
    assert told(Kind.COMMENTED) == {"carla"}
    assert told(Kind.MENTIONED) == {"ivo"}
    notification = Notification.objects.get(kind=Kind.MENTIONED)
    assert notification.url == reverse("step_comments", args=[step.journey_id, step.pk])
    assert notification.step_id == step.pk and notification.pain_point_id is None


# The comment as a change ----------------------------------------------------------------------------------------------


def test_a_step_comment_is_one_change_pushed_to_open_drawers_and_undoable_by_its_author(world):
    step = world["step"]
    comment = services.step_comment_add(step=step, actor=world["carla"], text="Ask @ivo")
    event = Event.objects.get(kind="step.commented")
    html = fragments.render_changes(world["journey"], event.targets)
    assert f'id="step-{step.pk}-comments-list"' in html and '<span class="mention">@ivo</span>' in html
    undo.change_undo(journey=world["journey"], actor=world["carla"])
    assert not StepComment.objects.filter(pk=comment.pk).exists()
    after = Event.objects.get(kind="undo")
    assert "Ask @ivo" not in fragments.render_changes(world["journey"], after.targets)


def test_an_empty_comment_is_refused_with_a_message_and_nothing_saved(world):
    url = reverse("step_comment_add", args=[world["journey"].pk, world["step"].pk])
    response = logged_in(world["carla"]).post(url, {"text": "   "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Write a comment first." in response.content.decode()
    assert not StepComment.objects.exists() and not Event.objects.filter(kind="step.commented").exists()


def test_someone_off_the_journey_gets_404_for_comments_and_people(world):
    client = logged_in(world["outsider"])
    journey, step = world["journey"], world["step"]
    assert client.get(reverse("step_comments", args=[journey.pk, step.pk])).status_code == 404
    assert client.post(reverse("step_comment_add", args=[journey.pk, step.pk]), {"text": "hi"}).status_code == 404
    assert client.get(reverse("mention_candidates", args=[journey.pk])).status_code == 404
    assert not StepComment.objects.exists()


def test_a_member_comments_from_the_drawer_and_the_discussion_page_shows_it(world):
    client = logged_in(world["dirk"])
    journey, step = world["journey"], world["step"]
    response = client.post(reverse("step_comment_add", args=[journey.pk, step.pk]), {"text": "Finance adds the debit"})
    assert response.status_code == 200 and "Finance adds the debit" in response.content.decode()
    section = client.get(reverse("step_comments", args=[journey.pk, step.pk]), HTTP_HX_REQUEST="true")
    assert section.content.decode().startswith(f'\n<section id="step-{step.pk}-comments"')
    page = client.get(reverse("step_comments", args=[journey.pk, step.pk])).content.decode()
    assert "<html" in page and "Finance adds the debit" in page and 'ws-connect="/ws/j/' in page


def test_the_suggestion_list_offers_the_journeys_members_by_name(world):
    response = logged_in(world["dirk"]).get(reverse("mention_candidates", args=[world["journey"].pk]))
    people = response.json()["people"]
    assert {"username": "carla", "name": "Carla Bakker"} in people
    assert "outsider" not in [person["username"] for person in people]
