"""A change that is committed is answered as saved, whatever goes wrong after the commit (a failing push, a failing
render of the answer): the browser then keeps nothing to retry, and a retry with the same id applies nothing twice."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from journeys.changes import journey_changed
from journeys.models import Event, Journey, Step
from live import fragments
from tests.factories import make_department, make_journey, make_step

pytestmark = pytest.mark.django_db(transaction=True)  # after-commit listeners run for real


@pytest.fixture
def journey() -> Journey:
    journey = make_journey(title="I am moving")
    make_step(journey, "Fills in the web form", make_department("Customer"))
    return journey


@pytest.fixture
def client(journey: Journey) -> Client:
    client = Client()
    client.force_login(journey.created_by)
    return client


@pytest.fixture
def broken_renderer():
    def explode(journey: Journey, targets: dict) -> list[str]:
        raise RuntimeError("a template bug")

    fragments.FRAGMENT_RENDERERS.setdefault("*", []).append(explode)
    fragments._RECENT_EVENT_RENDERS.clear()
    yield
    fragments.FRAGMENT_RENDERERS["*"].remove(explode)


def rename(client: Client, step: Step, title: str, op_id: str):
    url = reverse("step_edit", args=[step.journey_id, step.pk])
    data = {"title": title, "description": "", "channel": "", "base_version": step.version, "op_id": op_id}
    return client.post(url, data, headers={"HX-Request": "true"})


def test_a_render_error_after_commit_answers_saved_and_a_retry_applies_nothing_twice(journey, client, broken_renderer):
    step = journey.steps.get()
    before = Event.objects.count()

    first = rename(client, step, "Fills in the online form", "rename-op-0001")
    retry = rename(client, step, "Fills in the online form", "rename-op-0001")

    assert first.status_code == 200 and retry.status_code == 200
    assert first["X-Journey-Event-Seq"] == retry["X-Journey-Event-Seq"]
    step.refresh_from_db()
    assert step.title == "Fills in the online form"
    assert Event.objects.count() == before + 1


def test_a_failing_listener_after_commit_does_not_fail_the_request(journey, client):
    def listener(sender, event, **kwargs):
        raise RuntimeError("a listener bug")

    journey_changed.connect(listener, dispatch_uid="test-failing-listener")
    try:
        response = rename(client, journey.steps.get(), "Fills in the online form", "rename-op-0002")
    finally:
        journey_changed.disconnect(dispatch_uid="test-failing-listener")

    assert response.status_code == 200
    assert journey.steps.get().title == "Fills in the online form"


def test_a_failing_renderer_costs_only_its_own_parts(journey, client, broken_renderer):
    step = journey.steps.get()

    answer = rename(client, step, "Fills in the online form", "rename-op-0003")

    assert answer.status_code == 200
    assert f'id="step-{step.pk}"' in answer.content.decode()  # the card, from the board's own renderer
