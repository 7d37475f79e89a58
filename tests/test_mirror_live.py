"""The mirror survey page stays live over the journey's socket: its parts arrive in the board's sequenced pushes."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from journeys import mirror, services
from journeys.models import Journey
from live import broadcast, fragments
from tests.factories import give_estimates, make_journey, make_step, make_user
from tests.live_client import BoardClient, Node, browser_of, find, parse, run_async, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)
MIRROR_PARTS = ("mirror-results", "mirror-locked", "mirror-save", "mirror-reveal-choice")


@pytest.fixture(autouse=True)
def fresh_layer_and_cache():
    channel_layers.backends = {}
    cache.clear()
    yield
    channel_layers.backends = {}


@pytest.fixture
def workshop():
    anna, ann, bob = make_user("anna"), make_user("ann"), make_user("bob")
    journey = make_journey(facilitator=anna, members=[ann, bob])
    steps = [make_step(journey, title) for title in ("Web form", "Shared mailbox")]
    return journey, anna, ann, bob, steps


def parts_of(nodes: list[Node | str]) -> dict[str, str]:
    return {name: find(nodes, name).html() for name in MIRROR_PARTS if find(nodes, name) is not None}


def mirror_page(user, journey: Journey) -> str:
    return browser_of(user).get(f"/j/{journey.pk}/mirror/").content.decode()


async def open_mirror_page(user, journey: Journey) -> tuple[BoardClient, str]:
    html = await sync_to_async(mirror_page)(user, journey)
    seq = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
    client = BoardClient(journey.pk, await sync_to_async(session_cookie)(user), last=seq, page=html, serves="mirror")
    connected, _code = await client.connect()
    assert connected
    await client.greet()
    return client, html


async def current_seq(journey: Journey) -> int:
    return await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()


def test_a_mirror_change_pushes_the_mirror_parts_and_the_open_page_ends_up_as_a_reload(workshop):
    journey, anna, ann, bob, (form, mailbox) = workshop

    async def scenario():
        watcher, _html = await open_mirror_page(bob, journey)
        estimates = {"journey": "8", f"step-{form.pk}": "9", f"step-{mailbox.pk}": "4"}
        response = await sync_to_async(browser_of(ann).post)(f"/j/{journey.pk}/mirror/estimates/", estimates)
        assert response.status_code == 302
        frames_before = len(watcher.applied)
        await watcher.settle(await current_seq(journey))
        assert len(watcher.applied) == frames_before + 1
        counts = find(watcher.dom.children, "mirror-results")
        assert dict(counts.attrs)["data-estimates"] == "3" and dict(counts.attrs)["data-revealed"] == "0"
        assert "Staff think" not in counts.html()  # hidden: no staff view, no estimate

        csv = SimpleUploadedFile("scores.csv", b"step,score,responses\nWeb form,5,40\nShared mailbox,6,30\n")
        facilitator = browser_of(anna)
        imported = await sync_to_async(facilitator.post)(f"/j/{journey.pk}/mirror/import/", {"file": csv})
        assert imported.status_code == 302
        await watcher.settle(await current_seq(journey))
        assert dict(find(watcher.dom.children, "mirror-results").attrs)["data-customer-scores"] == "2"

        revealed = await sync_to_async(facilitator.post)(f"/j/{journey.pk}/mirror/reveal/", {"revealed": "1"})
        assert revealed.status_code == 302
        await watcher.settle(await current_seq(journey))
        results = find(watcher.dom.children, "mirror-results").html()
        assert results.index("Web form") < results.index("Shared mailbox")  # gap +4.0 before -2.0
        assert "disabled" in find(watcher.dom.children, "mirror-save").html()
        reload = await sync_to_async(mirror_page)(bob, journey)
        assert parts_of(watcher.dom.children) == parts_of(parse(reload))
        await watcher.disconnect()

    run_async(scenario)


def test_hidden_estimates_are_in_no_push(workshop):
    journey, _anna, ann, _bob, (form, _mailbox) = workshop
    give_estimates(journey, ann, {form.pk: 9, None: 7})

    pushed = fragments.render_changes(journey, {"mirror": True})

    assert 'id="mirror-results"' in pushed and 'data-estimates="2"' in pushed
    assert "Staff think" not in pushed and 'class="step-row"' not in pushed and ">9<" not in pushed


def test_a_step_renamed_after_the_reveal_is_renamed_in_the_pushed_results(workshop):
    journey, anna, ann, _bob, (form, _mailbox) = workshop
    give_estimates(journey, ann, {form.pk: 9})
    hidden = fragments.render_changes(journey, {"step": form.pk})
    mirror.mirror_reveal(journey=journey, actor=anna)

    services.step_update(step=form, actor=anna, base_version=None, title="Online form")
    shown = fragments.render_changes(journey, {"step": form.pk})

    assert 'id="mirror-results"' not in hidden  # nothing on the page depends on a step before the reveal
    results = shown.split('id="mirror-results"', 1)[1]
    assert "Online form" in results and "Staff think" in results


def test_a_page_that_missed_a_step_rename_after_the_reveal_catches_up_with_renamed_results(workshop):
    journey, anna, ann, _bob, (form, _mailbox) = workshop
    give_estimates(journey, ann, {form.pk: 9})
    mirror.mirror_reveal(journey=journey, actor=anna)
    journey.refresh_from_db()
    behind = journey.seq

    services.step_update(step=form, actor=anna, base_version=None, title="Online form")
    caught_up = broadcast.catch_up(journey_id=journey.pk, since=behind, language="en", page="mirror")

    assert 'data-kind="catchup"' in caught_up
    assert "Online form" in caught_up.split('id="mirror-results"', 1)[1]


def test_the_mirror_page_connects_to_the_journeys_socket_with_its_seq(workshop):
    journey, _anna, ann, _bob, _steps = workshop
    journey.refresh_from_db()

    html = mirror_page(ann, journey)

    assert f'<div id="board-seq" data-seq="{journey.seq}" hidden></div>' in html
    assert f'ws-connect="/ws/j/{journey.pk}/mirror/"' in html and "live/live.js" in html
