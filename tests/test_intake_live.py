"""Reports follow live: the board's "Reports" link counts the reports waiting for triage as they come in and are
handled, and an open triage queue is told over the journey's socket to refetch its lists (its forms depend on who
looks, so they are never pushed)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from intake import links, services
from intake.models import Report
from journeys.models import Journey
from live import fragments
from tests.factories import make_owners_world
from tests.live_client import BoardClient, browser_of, find, parse, run_async, session_cookie
from tests.test_mirror_live import fresh_layer_and_cache  # noqa: F401  (an autouse fixture)

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "board-reports-link"


@pytest.fixture
def world() -> dict[str, Any]:
    world = make_owners_world()
    services.intake_settings_update(
        journey=world["journey"], actor=world["anna"], public_enabled=True, public_steps=[world["step"]]
    )
    return world


def seq_of(journey: Journey) -> int:
    return Journey.objects.get(pk=journey.pk).seq


def public_report(world: dict[str, Any], text: str) -> None:
    url = reverse("intake_report", args=[links.link_token(world["journey"])])
    assert Client().post(url, {"text": text, "step": world["step"].pk}).status_code == 302


def dismiss(world: dict[str, Any], report: Report) -> None:
    url = reverse("intake_report_triage", args=[world["journey"].pk, report.pk, "dismiss"])
    data = {f"r{report.pk}-reason": "Already known", f"r{report.pk}-base_version": report.version}
    assert browser_of(world["carla"]).post(url, data).status_code == 302


async def watch(world: dict[str, Any], url: str, serves: str) -> BoardClient:
    """Carla opens the page and its socket, as the browser does."""
    html = (await sync_to_async(browser_of(world["carla"]).get)(url)).content.decode()
    cookie = await sync_to_async(session_cookie)(world["carla"])
    seq = await sync_to_async(seq_of)(world["journey"])
    watcher = BoardClient(world["journey"].pk, cookie, last=seq, page=html, serves=serves)
    connected, _code = await watcher.connect()
    assert connected
    await watcher.greet()
    return watcher


def test_the_board_s_reports_count_follows_new_and_handled_reports(world):
    journey = world["journey"]
    board_url = reverse("board", args=[journey.pk])
    counts = []

    async def scenario():
        watcher = await watch(world, board_url, "board")
        counts.append(find(watcher.dom.children, LINK).html())
        await sync_to_async(public_report)(world, "Nobody tells me my move came through")
        await watcher.settle(await sync_to_async(seq_of)(journey))
        counts.append(find(watcher.dom.children, LINK).html())
        colleague = await sync_to_async(services.report_submit)(
            journey=journey, text="The menu asks for the policy number twice", step=None, reporter=world["outsider"]
        )
        await watcher.settle(await sync_to_async(seq_of)(journey))
        counts.append(find(watcher.dom.children, LINK).html())
        await sync_to_async(dismiss)(world, colleague)
        await watcher.settle(await sync_to_async(seq_of)(journey))
        counts.append(find(watcher.dom.children, LINK).html())
        reload = await sync_to_async(browser_of(world["carla"]).get)(board_url)
        await watcher.disconnect()
        return find(parse(reload.content.decode()), LINK).html()

    reloaded = run_async(scenario)

    waiting = [re.search(r'class="reports-waiting"[^>]*>(\d+)', html) for html in counts]
    assert [found and found[1] for found in waiting] == [None, "1", "2", "1"]
    assert counts[-1] == reloaded
    assert "waiting for triage" in counts[-1]


def test_an_open_triage_queue_is_told_to_refetch_when_a_report_arrives(world):
    journey = world["journey"]
    queue_url = reverse("intake_queue", args=[journey.pk])

    async def scenario():
        page = (await sync_to_async(browser_of(world["carla"]).get)(queue_url)).content.decode()
        watcher = await watch(world, queue_url, "reports")
        await sync_to_async(public_report)(world, "Nobody tells me my move came through")
        seq = await sync_to_async(seq_of)(journey)
        frames = []
        while watcher.last < seq:
            frame = await watcher.receive_frame()
            frames.append(frame)
            await watcher.handle(frame)
        await watcher.disconnect()
        return page, "\n".join(frames)

    page, pushed = run_async(scenario)

    assert f'ws-connect="/ws/j/{journey.pk}/reports/"' in page
    assert 'hx-trigger="reports-queue-changed' in page and 'id="report-lists"' in page
    assert 'data-live-event="reports-queue-changed"' in pushed
    assert "Nobody tells me" not in pushed and "csrfmiddlewaretoken" not in pushed
    assert LINK not in pushed  # the board's parts stay on the board


def test_a_change_that_touches_no_report_pushes_no_count(world):
    pushed = fragments.render_changes(world["journey"], {"step": world["step"].pk})

    assert LINK not in pushed and "reports-queue-changed" not in pushed
    assert LINK in fragments.render_changes(world["journey"], {"report": 1}, page="board")
    assert "reports-queue-changed" in fragments.render_changes(world["journey"], {"report": 1}, page="reports")
