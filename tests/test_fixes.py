"""Shared fixes: one improvement linked to pain points on several journeys. Who may change and link it, what a fix
done asks of the owners (a notification, one click each, or all at once by the fix's owner where they may), and
where the fix shows: the pain point's page, the owners' list and the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fixes import selectors, services
from fixes.models import Fix, FixLink
from journeys.errors import NotAllowed, NotAMember
from journeys.models import Event, PainPoint
from notifications.models import Kind, Notification
from tests.factories import make_journey, make_owners_world, make_pain_point, make_step, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    """The owners' world and a second journey, where only Carla (IT) of the first one is a member."""
    world = make_owners_world()
    other = make_journey(facilitator=make_user("olga"), members=[world["carla"]], title="I want to cancel my policy")
    world["other_pain_point"] = make_pain_point(make_step(other, "Cancellation form"), [world["it"]], "No confirmation")
    world["other"] = other
    return world


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def a_fix(world: dict[str, Any], **fields: Any) -> Fix:
    return services.fix_create(actor=world["carla"], title="One status page for every change", **fields)


def test_a_fix_links_pain_points_on_several_journeys_each_as_a_change_of_that_journey(world):
    fix = a_fix(world)
    services.fix_link(fix=fix, pain_point=world["pain_point"], actor=world["carla"])
    services.fix_link(fix=fix, pain_point=world["other_pain_point"], actor=world["carla"])
    assert set(fix.pain_points.all()) == {world["pain_point"], world["other_pain_point"]}
    for pain_point in (world["pain_point"], world["other_pain_point"]):
        event = Event.objects.get(journey=pain_point.journey, kind="fix.linked")
        assert event.targets == {"fix": fix.pk, "pain_point": pain_point.pk}


def test_only_pain_points_of_your_own_journeys_can_be_linked(world):
    fix = services.fix_create(actor=world["ivo"], title="Status page")
    with pytest.raises(NotAMember):
        services.fix_link(fix=fix, pain_point=world["other_pain_point"], actor=world["ivo"])
    assert not FixLink.objects.exists()


def test_only_the_owner_the_starter_or_a_manager_changes_a_fix(world):
    fix = a_fix(world)
    with pytest.raises(NotAllowed):
        services.fix_link(fix=fix, pain_point=world["pain_point"], actor=world["ivo"])
    with pytest.raises(NotAllowed):
        services.fix_update(
            fix=fix, actor=world["ivo"], base_version=fix.version, title="Mine now", description="",
            owner=world["ivo"], state="planned", target_date=None,
        )  # fmt: skip
    fix.refresh_from_db()
    assert fix.title == "One status page for every change"


def test_a_pain_point_is_linked_once_and_only_while_open(world):
    fix = a_fix(world)
    services.fix_link(fix=fix, pain_point=world["pain_point"], actor=world["carla"])
    with pytest.raises(ValidationError):
        services.fix_link(fix=fix, pain_point=world["pain_point"], actor=world["carla"])
    PainPoint.objects.filter(pk=world["other_pain_point"].pk).update(status="solved")
    world["other_pain_point"].refresh_from_db()
    with pytest.raises(ValidationError):
        services.fix_link(fix=fix, pain_point=world["other_pain_point"], actor=world["carla"])
    assert FixLink.objects.count() == 1


def test_a_fix_done_asks_the_owners_of_its_open_pain_points_on_every_journey(world, committed):
    fix = a_fix(world)
    services.fix_link(fix=fix, pain_point=world["pain_point"], actor=world["carla"])
    services.fix_link(fix=fix, pain_point=world["other_pain_point"], actor=world["carla"])
    committed(lambda: services.fix_update(
        fix=fix, actor=world["carla"], base_version=fix.version, title=fix.title, description="Live in January",
        owner=world["carla"], state="done", target_date=None,
    ))  # fmt: skip
    assert Event.objects.filter(kind="fix.done").count() == 2  # one per journey
    asked = Notification.objects.filter(kind=Kind.FIX_DONE)
    assert {(n.recipient.username, n.pain_point_id) for n in asked} == {("ivo", world["pain_point"].pk)}
    assert asked.get().detail == fix.title  # Carla, who did it, is not told; Ivo is IT on the first journey


def test_a_stale_fix_edit_is_refused_and_nothing_changes(world):
    fix = a_fix(world)
    services.fix_update(
        fix=fix, actor=world["carla"], base_version=fix.version, title="Renamed", description="", owner=None,
        state="in_progress", target_date=None,
    )  # fmt: skip
    from journeys.errors import StaleEdit

    with pytest.raises(StaleEdit):
        services.fix_update(
            fix=fix, actor=world["carla"], base_version=1, title="Old view", description="", owner=None,
            state="dropped", target_date=None,
        )  # fmt: skip
    fix.refresh_from_db()
    assert (fix.title, fix.state) == ("Renamed", "in_progress")


def done_fix(world: dict[str, Any]) -> Fix:
    fix = a_fix(world)
    for pain_point in (world["pain_point"], world["other_pain_point"]):
        services.fix_link(fix=fix, pain_point=pain_point, actor=world["carla"])
    return services.fix_update(
        fix=fix, actor=world["carla"], base_version=fix.version, title=fix.title, description="", owner=None,
        state="done", target_date=None,
    )  # fmt: skip


def test_the_dashboard_counts_a_fix_once_per_department_of_its_pain_points(world):
    done = done_fix(world)  # two IT pain points: IT counts it once
    shared = make_pain_point(world["step"], [world["it"], world["finance"]], "Both departments answer for this")
    planned = a_fix(world)
    services.fix_link(fix=planned, pain_point=shared, actor=world["carla"])
    make_pain_point(world["step"], [world["finance"]], "A pain point without a fix")
    states, rows = selectors.counts_by_department()
    assert states[:3] == ["planned", "in_progress", "done"] and done.state == "done" and planned.state == "planned"
    assert rows == [{"name": "Finance", "counts": [1, 0, 0, 0]}, {"name": "IT", "counts": [1, 0, 1, 0]}]


def test_one_click_solves_a_pain_point_of_a_done_fix_by_someone_who_may(world):
    fix = done_fix(world)
    with pytest.raises(NotAllowed):  # Dirk is Finance
        services.fix_solve_pain_point(fix=fix, pain_point=world["pain_point"], actor=world["dirk"], base_version=None)
    solved = services.fix_solve_pain_point(
        fix=fix, pain_point=world["pain_point"], actor=world["ivo"], base_version=world["pain_point"].version
    )
    assert solved.status == "solved" and "One status page for every change" in solved.resolution


def test_the_fixs_owner_solves_all_they_may_and_leaves_the_rest_to_their_owners(world):
    fix = done_fix(world)
    services.fix_update(
        fix=fix, actor=world["carla"], base_version=fix.version, title=fix.title, description="", owner=world["ivo"],
        state="done", target_date=None,
    )  # fmt: skip
    fix.refresh_from_db()
    outcome = services.fix_solve_all(fix=fix, actor=world["ivo"])  # Ivo is not on the second journey
    assert (outcome.solved, outcome.left) == (1, 1)
    world["pain_point"].refresh_from_db()
    world["other_pain_point"].refresh_from_db()
    assert (world["pain_point"].status, world["other_pain_point"].status) == ("solved", "open")
    with pytest.raises(NotAllowed):
        services.fix_solve_all(fix=fix, actor=world["carla"])  # not its owner any more


def test_someone_sees_a_fix_only_through_their_journeys(world):
    fix = a_fix(world)
    services.fix_link(fix=fix, pain_point=world["other_pain_point"], actor=world["carla"])
    assert logged_in(world["ivo"]).get(reverse("fix_page", args=[fix.pk])).status_code == 404
    assert logged_in(world["outsider"]).get(reverse("fix_list")).content.decode().count(fix.title) == 0
    olga = logged_in(world["other"].created_by)
    page = olga.get(reverse("fix_page", args=[fix.pk])).content.decode()
    assert world["other_pain_point"].text in page
    services.fix_link(fix=fix, pain_point=world["pain_point"], actor=world["carla"])
    page = olga.get(reverse("fix_page", args=[fix.pk])).content.decode()
    assert world["pain_point"].text not in page and "And 1 on a journey you are not on." in page


def test_the_pain_point_page_owners_list_and_dashboard_show_the_fix(world, settings):
    fix = done_fix(world)
    ivo = logged_in(world["ivo"])
    page = ivo.get(reverse("pain_point_page", args=[world["journey"].pk, world["pain_point"].pk])).content.decode()
    assert fix.title in page and "Yes, mark it solved" in page
    assert fix.title in ivo.get(reverse("my_pain_points")).content.decode()
    from django.contrib.auth.models import Group

    manager = make_user("eva")
    manager.groups.add(Group.objects.get_or_create(name="Managers")[0])
    dashboard = logged_in(manager).get(reverse("dashboard")).content.decode()
    assert 'id="fix-counts"' in dashboard
    states, rows = selectors.counts_by_department()
    assert rows == [{"name": "IT", "counts": [0, 0, 1, 0]}] and states[2] == "done"


def test_one_click_on_the_pain_point_page_solves_it(world):
    fix = done_fix(world)
    pain_point = world["pain_point"]
    url = reverse("pain_point_solved_by_fix", args=[pain_point.journey_id, pain_point.pk, fix.pk])
    assert logged_in(world["dirk"]).post(url, {"base_version": pain_point.version}).status_code == 403
    assert logged_in(world["outsider"]).post(url, {"base_version": pain_point.version}).status_code == 404
    assert logged_in(world["ivo"]).post(url, {"base_version": pain_point.version}).status_code == 302
    pain_point.refresh_from_db()
    assert pain_point.status == "solved"
