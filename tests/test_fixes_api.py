"""Shared fixes in the API (read, with the same scoping as the pages) and as webhook events ("fix linked", "fix
done"), signed and delivered to a real receiver on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as tokens
from fixes import services as fixes
from tests.factories import make_journey, make_manager, make_owners_world, make_pain_point, make_step, make_user
from tests.test_webhooks import send_due, verified
from tests.webhook_receiver import Receiver
from webhooks import services as webhooks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["ratelimit"].clear()


@pytest.fixture
def world() -> dict[str, Any]:
    world = make_owners_world()
    other = make_journey(facilitator=make_user("olga"), members=[world["carla"]], title="I want to cancel my policy")
    world["other_pain_point"] = make_pain_point(make_step(other, "Cancellation form"), [world["it"]], "No confirmation")
    world["fix"] = fixes.fix_create(actor=world["carla"], title="One status page")
    for pain_point in (world["pain_point"], world["other_pain_point"]):
        fixes.fix_link(fix=world["fix"], pain_point=pain_point, actor=world["carla"])
    return world


def get(client, user, url: str):
    token = tokens.api_token_create(user=user, name="test")[1]
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_fix_reads_with_only_the_pain_points_on_your_journeys(client, world):
    fix = world["fix"]
    carla = get(client, world["carla"], reverse("api_fix", args=[fix.pk])).json()
    assert (carla["title"], carla["state"], carla["owner"]["username"]) == ("One status page", "planned", "carla")
    assert carla["pain_points"] == sorted([world["pain_point"].pk, world["other_pain_point"].pk])
    ivo = get(client, world["ivo"], reverse("api_fix", args=[fix.pk])).json()
    assert ivo["pain_points"] == [world["pain_point"].pk]
    assert get(client, world["outsider"], reverse("api_fix", args=[fix.pk])).status_code == 404
    assert get(client, world["outsider"], reverse("api_fixes")).json()["results"] == []
    manager = get(client, make_manager(), reverse("api_fixes")).json()["results"]
    assert [row["pain_points"] for row in manager] == [carla["pain_points"]]


def test_the_fix_list_costs_the_same_queries_however_many_fixes(client, world):
    token = tokens.api_token_create(user=world["carla"], name="test")[1]

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("api_fixes"), HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        return len(captured)

    count()  # warm up: the token is marked used once a while
    few = count()
    for index in range(10):
        extra = fixes.fix_create(actor=world["carla"], title=f"Fix {index}", owner=world["ivo"])
        fixes.fix_link(fix=extra, pain_point=world["pain_point"], actor=world["carla"])
    assert count() == few


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_INTERNAL_NETWORKS = ["127.0.0.1/32"]
    settings.WEBHOOK_ALLOW_HTTP = True
    server = Receiver().start()
    yield server
    server.stop()


def test_fix_linked_and_fix_done_reach_a_journeys_webhook(world, receiver, committed):
    subscription = webhooks.subscription_create(
        actor=world["anna"], url=receiver.url, journey=world["journey"], event_types=["fix.linked", "fix.done"]
    )
    fix = committed(lambda: fixes.fix_create(actor=world["carla"], title="Print at the new address"))
    committed(lambda: fixes.fix_link(fix=fix, pain_point=world["pain_point"], actor=world["carla"]))
    committed(lambda: fixes.fix_update(
        fix=fix, actor=world["carla"], base_version=fix.version, title=fix.title, description="", owner=None,
        state="done", target_date=None,
    ))  # fmt: skip
    send_due()
    linked, done = (verified(subscription, request) for request in receiver.received)
    assert linked["type"] == "fix.linked" and linked["data"]["fix"]["title"] == "Print at the new address"
    assert linked["data"]["pain_point"]["id"] == world["pain_point"].pk
    assert done["type"] == "fix.done" and done["data"]["fix"]["state"] == "done"
    assert done["data"]["proposed_as_solved"] == [world["pain_point"].pk]
