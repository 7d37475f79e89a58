"""Invite links: a confirmation before joining, renewing the link, who joined through it, removed members stay out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from journeys import invites
from journeys.models import FormerMember, Journey, Membership
from tests.factories import make_journey, make_user

pytestmark = pytest.mark.django_db


def browser(user, *, csrf: bool = False, language: str = "en") -> Client:
    client = Client(enforce_csrf_checks=csrf, headers={"accept-language": language})
    client.force_login(user)
    return client


def join_url(journey: Journey) -> str:
    journey.refresh_from_db()
    return reverse("journey_join", args=[journey.invite_token])


def test_opening_the_link_asks_first_and_only_the_confirmation_joins():
    anna = make_user("anna", first_name="Anna", last_name="de Vries")
    journey = make_journey(facilitator=anna, title="I am moving: change my address")
    newcomer = browser(make_user("bram"))

    page = newcomer.get(join_url(journey))

    assert page.status_code == 200
    html = page.content.decode()
    assert "I am moving: change my address" in html and "Anna de Vries" in html
    assert '<form method="post"' in html
    assert not Membership.objects.filter(journey=journey, user__username="bram").exists()
    response = newcomer.post(join_url(journey))
    assert response.status_code == 302 and response["Location"] == reverse("board", args=[journey.pk])
    membership = Membership.objects.get(journey=journey, user__username="bram")
    assert (membership.role, membership.joined_through_invite) == ("participant", True)
    assert newcomer.get(join_url(journey))["Location"] == reverse("board", args=[journey.pk])  # already on it


def test_a_foreign_page_cannot_make_someone_join_without_the_csrf_token():
    journey = make_journey()
    victim = browser(make_user(), csrf=True)
    assert victim.post(join_url(journey)).status_code == 403
    assert victim.get(join_url(journey)).status_code == 200  # a link followed from anywhere only asks
    assert Membership.objects.filter(journey=journey).count() == 1


def test_the_facilitator_renews_the_link_and_the_old_one_stops_working():
    anna = make_user()
    journey = make_journey(facilitator=anna)
    old = join_url(journey)
    response = browser(anna).post(reverse("journey_invite_renew", args=[journey.pk]))
    assert response.status_code == 302
    new = join_url(journey)
    assert new != old
    newcomer = browser(make_user())
    refused = newcomer.post(old)
    assert refused.status_code == 404 and "This invite link does not work" in refused.content.decode()
    assert newcomer.post(new).status_code == 302
    assert browser(anna).get(reverse("journey_invite", args=[journey.pk])).content.decode().count(new) == 1


def test_only_the_facilitator_renews_and_outsiders_see_nothing():
    bram = make_user()
    journey = make_journey(members=[bram])
    before = join_url(journey)
    refused = browser(bram).post(reverse("journey_invite_renew", args=[journey.pk]))
    assert refused.status_code == 403
    assert "Only the facilitator can do this." in refused.content.decode()
    outsider = browser(make_user())
    assert outsider.post(reverse("journey_invite_renew", args=[journey.pk])).status_code == 404
    assert outsider.get(reverse("journey_invite", args=[journey.pk])).status_code == 404
    assert join_url(journey) == before


def test_the_facilitator_sees_who_joined_through_which_link_and_participants_do_not():
    anna = make_user()
    journey = make_journey(facilitator=anna)
    browser(make_user(first_name="Bram")).post(join_url(journey))
    browser(anna).post(reverse("journey_invite_renew", args=[journey.pk]))
    browser(make_user(first_name="Carla")).post(join_url(journey))

    html = browser(anna).get(reverse("journey_invite", args=[journey.pk])).content.decode()

    carla, bram = html.index("Carla"), html.index("Bram")
    assert carla < bram  # newest first
    assert "through an earlier link" in html[bram:] and "through an earlier link" not in html[carla:bram]
    assert "Renew the invite link" in html
    participant = Membership.objects.get(journey=journey, user__first_name="Bram").user
    theirs = browser(participant).get(reverse("journey_invite", args=[journey.pk])).content.decode()
    assert "Carla" not in theirs and "Renew the invite link" not in theirs
    assert join_url(journey) in theirs


def test_a_removed_member_cannot_come_back_through_the_old_link_but_a_renewed_one_works():
    anna, bram = make_user(), make_user()
    journey = make_journey(facilitator=anna)
    old = join_url(journey)
    browser(bram).post(old)
    Membership.objects.get(journey=journey, user=bram).delete()  # as the admin's inline does

    refused = browser(bram).post(old)

    assert refused.status_code == 403
    assert "You were removed from this journey" in refused.content.decode()
    assert not Membership.objects.filter(journey=journey, user=bram).exists()
    browser(anna).post(reverse("journey_invite_renew", args=[journey.pk]))
    assert browser(bram).post(join_url(journey)).status_code == 302  # the facilitator chose to send the new one


def test_deleting_a_journey_or_a_user_records_no_former_member():
    bram = make_user()
    journey = make_journey(members=[bram])
    other = make_journey(members=[bram])
    journey.delete()
    bram.delete()
    assert not FormerMember.objects.exists()
    assert Journey.objects.filter(pk=other.pk).exists()


def test_join_and_invite_pages_speak_dutch():
    anna = make_user()
    journey = make_journey(facilitator=anna)
    asked = browser(make_user(), language="nl").get(join_url(journey)).content.decode()
    assert "Wil je meedoen aan deze klantreis?" in asked
    page = browser(anna, language="nl").get(reverse("journey_invite", args=[journey.pk])).content.decode()
    assert "Vernieuw de uitnodigingslink" in page


def test_renewing_keeps_everyone_on_the_journey():
    anna, bram = make_user(), make_user()
    journey = make_journey(facilitator=anna, members=[bram])
    invites.invite_renew(journey=journey, actor=anna)
    assert set(Membership.objects.filter(journey=journey).values_list("user", flat=True)) == {anna.pk, bram.pk}
