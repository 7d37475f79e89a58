"""The projector page and the facilitator's "present this step", without a browser."""

from __future__ import annotations

import pytest
from django.test import Client

from journeys.models import Event
from tests.factories import PASSWORD, make_workshop
from workshops.models import FacilitatorFocus
from workshops.qr import qr_svg

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def test_the_qr_code_is_an_svg_that_scales_to_its_box_and_escapes_its_title():
    svg = qr_svg("http://board.example.org/join/abc/", title='Scan <to> "join"')
    assert svg.startswith('<svg viewBox="0 0 ') and "width=" not in svg.split(">", 1)[0]
    assert "Scan &lt;to&gt; &quot;join&quot;" in svg or 'Scan &lt;to&gt; "join"' in svg
    assert "<to>" not in svg


def test_the_projector_shows_the_invite_link_as_text_and_as_a_qr_code():
    journey, facilitator, _people, _pain_points = make_workshop()
    html = client_for(facilitator).get(f"/j/{journey.pk}/workshop/projector/").content.decode()
    assert f"/join/{journey.invite_token}/" in html
    assert html.count('class="qr-code"') == 2  # the small one in the header and the large one to show
    assert 'data-columns="' in html and 'data-column="0"' in html  # the grid the projector draws to fit


def test_only_the_facilitator_gets_the_present_button_in_the_step_drawer():
    journey, facilitator, (ann, _bob), (first, *_rest) = make_workshop()
    url = f"/j/{journey.pk}/steps/{first.step_id}/"
    assert "Present this step" in client_for(facilitator).get(url).content.decode()
    assert "Present this step" not in client_for(ann).get(url).content.decode()


def test_stop_presenting_clears_the_focus_for_everyone():
    journey, facilitator, _people, (first, *_rest) = make_workshop()
    client = client_for(facilitator)
    client.post(f"/j/{journey.pk}/workshop/focus/", {"step": first.step_id})
    response = client.post(f"/j/{journey.pk}/workshop/focus/", {"step": ""})
    assert response.status_code == 200
    assert 'id="facilitator-focus" class="facilitator-focus" data-step-id=""' in response.content.decode()
    assert FacilitatorFocus.objects.get(journey=journey).step is None
    assert Event.objects.filter(journey=journey, kind="focus.moved").last().targets == {"focus": True}
