"""Webhooks: signed as Standard Webhooks says (checked with its reference library), delivered to a real HTTP server
on loopback, retried with backoff by `manage.py send_webhooks`, logged, and only sent where an administrator allowed."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from journeys import services as journey_services
from painpoints import services as lifecycle
from tests.factories import make_manager, make_owners_world, make_pain_point, make_step
from tests.webhook_receiver import Receiver
from webhooks import registry, services
from webhooks.events import pain_point_payload
from webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db

ALL_EVENTS = ["pain_point.created", "pain_point.state_changed", "pain_point.commented"]


@pytest.fixture
def world() -> dict[str, Any]:
    return make_owners_world()


@pytest.fixture
def loopback_allowed(settings):
    """The administrator allowed the receiver on loopback (internal addresses are refused by default)."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_INTERNAL_NETWORKS = ["127.0.0.1/32"]
    settings.WEBHOOK_ALLOW_HTTP = True
    return settings


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def subscribe(world: dict[str, Any], receiver: Receiver, **kwargs: Any) -> Subscription:
    kwargs.setdefault("journey", world["journey"])
    kwargs.setdefault("event_types", ALL_EVENTS)
    return services.subscription_create(actor=kwargs.pop("actor", world["anna"]), url=receiver.url, **kwargs)


def verified(subscription: Subscription, request) -> dict[str, Any]:
    return Webhook(subscription.secret).verify(request.body, request.headers)


def send_due() -> None:
    call_command("send_webhooks", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_pick_up_reaches_the_receiver_signed_after_two_failures(
    world, loopback_allowed, receiver, django_capture_on_commit_callbacks
):
    loopback_allowed.WEBHOOK_RETRY_SECONDS = [0, 0, 0]
    receiver.failures = 2
    subscription = subscribe(world, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.pain_point_pick_up(pain_point=world["pain_point"], actor=world["carla"], base_version=1)

    for _attempt in range(3):
        send_due()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 200]
    assert delivery.attempt_log.last().response_excerpt == '{"ticket": "PROJ-42"}'
    assert len(receiver.received) == 3
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.message_id}  # one message, retried
    message = verified(subscription, receiver.received[-1])
    assert message["type"] == "pain_point.state_changed"
    data = message["data"]
    assert (data["action"], data["actor"]["username"], data["journey"]["id"]) == (
        "pick_up",
        "carla",
        world["journey"].pk,
    )
    assert (data["pain_point"]["status"], data["pain_point"]["owner"]["username"]) == ("in_progress", "carla")
    assert data["pain_point"]["page_url"].endswith(f"/j/{world['journey'].pk}/pain-points/{world['pain_point'].pk}/")
    send_due()
    assert len(receiver.received) == 3  # delivered: never sent again


def test_a_message_with_a_wrong_secret_or_changed_body_does_not_verify(
    world, loopback_allowed, receiver, django_capture_on_commit_callbacks
):
    from standardwebhooks.webhooks import WebhookVerificationError

    subscription = subscribe(world, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.pain_point_comment(pain_point=world["pain_point"], actor=world["ivo"], text="Seen it")
    send_due()
    request = receiver.received[0]
    assert verified(subscription, request)["data"]["text"] == "Seen it"
    with pytest.raises(WebhookVerificationError):
        Webhook(services.new_secret()).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        verified(subscription, type(request)(request.path, request.headers, request.body.replace(b"Seen", b"Done")))


def test_failed_attempts_wait_longer_each_time_then_give_up(
    world, loopback_allowed, receiver, django_capture_on_commit_callbacks
):
    loopback_allowed.WEBHOOK_RETRY_SECONDS = [5, 300]
    receiver.failures = 99
    subscribe(world, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.pain_point_comment(pain_point=world["pain_point"], actor=world["ivo"], text="Still broken")

    waits = []
    for _attempt in range(3):
        before = timezone.now()
        send_due()
        delivery = Delivery.objects.get()
        if delivery.next_attempt_at is not None:
            waits.append(round((delivery.next_attempt_at - before).total_seconds()))
            send_due()  # not due yet: nothing is sent
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

    assert waits == [5, 300]
    assert (delivery.status, delivery.attempts, len(receiver.received)) == ("failed", 3, 3)


def test_a_department_s_webhook_hears_its_pain_points_on_every_journey_and_no_others(
    world, loopback_allowed, receiver, django_capture_on_commit_callbacks
):
    manager = make_manager("mona")
    subscription = subscribe(world, receiver, actor=manager, journey=None, department=world["it"])
    finance_step = make_step(world["journey"], "Finance adjusts the debit", department=world["finance"])
    with django_capture_on_commit_callbacks(execute=True):
        make_pain_point(finance_step, [world["finance"]], "Premium change not explained")
        make_pain_point(world["step"], [world["it"], world["finance"]], "Status invisible")
    send_due()

    texts = [verified(subscription, r)["data"]["pain_point"]["text"] for r in receiver.received]
    assert texts == ["Status invisible"]


def test_a_webhook_gets_only_the_events_it_asked_for(
    world, loopback_allowed, receiver, django_capture_on_commit_callbacks
):
    subscribe(world, receiver, event_types=["pain_point.commented"])
    with django_capture_on_commit_callbacks(execute=True):
        make_pain_point(world["step"], [world["it"]], "Not wanted")
        lifecycle.pain_point_comment(pain_point=world["pain_point"], actor=world["ivo"], text="Wanted")
    assert list(Delivery.objects.values_list("event_type", flat=True)) == ["pain_point.commented"]


def test_a_switched_off_webhook_gets_nothing(world, loopback_allowed, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(world, receiver)
    services.subscription_set_active(actor=world["anna"], subscription=subscription, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.pain_point_comment(pain_point=world["pain_point"], actor=world["ivo"], text="Hello")
    assert not Delivery.objects.exists()


def test_new_event_kinds_plug_in_from_another_app(
    world, loopback_allowed, receiver, django_capture_on_commit_callbacks
):
    registry.register_event_type("pain_point.edited", "Pain point edited")
    registry.register_event_kind("pain_point.updated", "pain_point.edited", payload=pain_point_payload)
    try:
        subscription = subscribe(world, receiver, event_types=["pain_point.edited"])
        with django_capture_on_commit_callbacks(execute=True):
            journey_services.pain_point_update(
                pain_point=world["pain_point"], actor=world["anna"], base_version=1, text="Reworded",
                severity="high", departments=[world["it"]],
            )  # fmt: skip
        send_due()
    finally:
        registry.KINDS.pop("pain_point.updated")
        registry.EVENT_TYPES.pop("pain_point.edited")
    message = verified(subscription, receiver.received[0])
    assert (message["type"], message["data"]["pain_point"]["text"]) == ("pain_point.edited", "Reworded")


# Where messages may go ----------------------------------------------------------------------------------------------


def test_by_default_no_address_is_allowed(world):
    with pytest.raises(services.ValidationError) as refused:
        url = "https://tickets.example.org/hook"
        services.subscription_create(actor=world["anna"], journey=world["journey"], url=url, event_types=ALL_EVENTS)
    assert "has not allowed webhooks to tickets.example.org" in str(refused.value.message_dict["url"])


def test_an_allowed_name_that_resolves_to_an_internal_address_is_never_called(
    world, loopback_allowed, receiver, django_capture_on_commit_callbacks
):
    loopback_allowed.WEBHOOK_INTERNAL_NETWORKS = []  # the host is allowed, its loopback address is not
    subscription = subscribe(world, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.pain_point_comment(pain_point=world["pain_point"], actor=world["ivo"], text="Hello")
    send_due()

    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == "failed" and receiver.received == []  # no retries: only the administrator can change it
    assert "internal address (127.0.0.1)" in delivery.attempt_log.get().error


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://127.0.0.1/x", "http or https"),
        ("https://user:pw@127.0.0.1/x", "user name and password"),
        ("https://tickets.example.org/x", "has not allowed webhooks to tickets.example.org"),
    ],
)
def test_an_address_that_may_not_receive_webhooks_is_refused_when_added(world, loopback_allowed, url, words):
    with pytest.raises(services.ValidationError) as refused:
        services.subscription_create(actor=world["anna"], journey=world["journey"], url=url, event_types=ALL_EVENTS)
    assert words in " ".join(refused.value.message_dict["url"])


def test_plain_http_needs_the_administrator_s_consent(world, loopback_allowed, receiver):
    loopback_allowed.WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(services.ValidationError) as refused:
        subscribe(world, receiver)
    assert "https" in " ".join(refused.value.message_dict["url"])


def test_host_patterns(settings):
    from webhooks.targets import address_allowed, host_allowed

    settings.WEBHOOK_ALLOWED_HOSTS = ["tickets.example.org", ".atlassian.net"]
    assert host_allowed("tickets.example.org") and host_allowed("acme.atlassian.net")
    assert not host_allowed("example.org") and not host_allowed("evil-atlassian.net")
    settings.WEBHOOK_INTERNAL_NETWORKS = ["10.1.2.0/24"]
    assert address_allowed("93.184.216.34") and address_allowed("10.1.2.7")
    for internal in ("127.0.0.1", "10.9.9.9", "192.168.1.1", "169.254.169.254", "::1", "fd00::1", "0.0.0.0"):
        assert not address_allowed(internal), internal


# The pages ----------------------------------------------------------------------------------------------------------


def test_the_facilitator_adds_a_webhook_and_sends_a_test_event_that_shows_in_the_log(
    client, world, loopback_allowed, receiver
):
    client.force_login(world["anna"])
    form = {"journey": world["journey"].pk, "url": receiver.url, "event_types": ALL_EVENTS, "description": "Jira"}

    added = client.post(reverse("webhook_list"), form)

    subscription = Subscription.objects.get()
    assert added.status_code == 302 and added["Location"] == reverse("webhook_detail", args=[subscription.pk])
    tested = client.post(reverse("webhook_test", args=[subscription.pk]), follow=True)
    page = tested.content.decode()
    assert "Test event delivered: the address answered 200." in page
    assert verified(subscription, receiver.received[0])["type"] == "webhook.test"
    assert "webhook.test" in page and "PROJ-42" in page  # the delivery log with the answer
    assert subscription.secret in page


def test_a_failing_test_event_says_so_and_is_not_retried(client, world, loopback_allowed, receiver):
    receiver.failures = 1
    subscription = subscribe(world, receiver)
    client.force_login(world["anna"])

    page = client.post(reverse("webhook_test", args=[subscription.pk]), follow=True).content.decode()

    assert "The test event did not arrive: it answered 500." in page
    assert Delivery.objects.get().status == "failed"


def test_a_participant_cannot_add_or_see_a_journey_s_webhooks(client, world, loopback_allowed, receiver):
    subscription = subscribe(world, receiver)
    client.force_login(world["carla"])

    refused = client.post(reverse("webhook_list"), {"journey": world["journey"].pk, "url": receiver.url})

    assert refused.status_code == 403 and "Only the journey&#x27;s facilitator" in refused.content.decode()
    for name in ("webhook_detail",):
        assert client.get(reverse(name, args=[subscription.pk])).status_code == 404
    for name in ("webhook_test", "webhook_toggle", "webhook_delete"):
        assert client.post(reverse(name, args=[subscription.pk])).status_code == 404
    assert receiver.received == [] and Subscription.objects.get().active
    assert receiver.url not in client.get(reverse("webhook_list")).content.decode()


def test_a_facilitator_cannot_add_a_webhook_to_a_journey_she_only_joined(client, world, loopback_allowed, receiver):
    from tests.factories import make_journey

    other = make_journey(members=[world["anna"]])  # Anna is a participant there
    client.force_login(world["anna"])
    refused = client.post(
        reverse("webhook_list"), {"journey": other.pk, "url": receiver.url, "event_types": ALL_EVENTS}
    )
    assert refused.status_code == 422 and "not the facilitator of that journey" in refused.content.decode()
    assert not Subscription.objects.exists()


def test_only_managers_send_a_department_s_pain_points_somewhere(world, loopback_allowed, receiver):
    with pytest.raises(services.NotAllowed):
        subscribe(world, receiver, journey=None, department=world["it"])
    subscription = subscribe(world, receiver, actor=make_manager("mona"), journey=None, department=world["it"])
    assert subscription.department == world["it"]


def test_a_manager_sees_every_webhook_and_deletes_one(client, world, loopback_allowed, receiver):
    subscription = subscribe(world, receiver)
    client.force_login(make_manager("mona"))
    assert receiver.url in client.get(reverse("webhook_list")).content.decode()
    assert client.post(reverse("webhook_delete", args=[subscription.pk])).status_code == 302
    assert not Subscription.objects.exists()


def test_the_message_of_a_created_pain_point_reads_like_the_api(
    world, loopback_allowed, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(world, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        created = make_pain_point(world["step"], [world["it"]], "Letter goes to the old address", severity="high")
    send_due()
    message = verified(subscription, receiver.received[0])
    expected_keys = {"id", "journey", "step", "step_title", "text", "severity", "status", "responsible_departments"}
    assert expected_keys <= set(message["data"]["pain_point"])
    assert message["data"]["pain_point"]["id"] == created.pk
    assert datetime.datetime.fromisoformat(message["timestamp"]).tzinfo is not None
    assert json.loads(receiver.received[0].body) == message
