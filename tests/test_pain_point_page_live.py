"""The pain point page stays live over the journey's socket: its shared parts (heading, state, timeline) arrive in
the board's sequenced pushes; the actions, which depend on who looks, are refetched by each viewer over HTTP."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from journeys import services
from journeys.models import Journey, PainPoint
from live import fragments
from tests.factories import make_manager, make_owners_world
from tests.live_client import BoardClient, Node, browser_of, find, parse, run_async, session_cookie
from tests.test_mirror_live import fresh_layer_and_cache  # noqa: F401  (an autouse fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    return make_owners_world()


def page_url(pain_point: PainPoint) -> str:
    return f"/j/{pain_point.journey_id}/pain-points/{pain_point.pk}/"


def shared_parts(nodes: list[Node | str], pain_point: PainPoint) -> dict[str, str]:
    names = [f"pain-point-{pain_point.pk}-{part}" for part in ("heading", "state", "timeline")]
    return {name: find(nodes, name).html() for name in names if find(nodes, name) is not None}


def test_a_pick_up_and_solve_push_the_page_s_parts_and_the_open_page_ends_up_as_a_reload(world):
    pain_point, journey = world["pain_point"], world["journey"]
    url = page_url(pain_point)

    async def scenario():
        html = await sync_to_async(browser_of(world["carla"]).get)(url)
        seq = await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)()
        cookie = await sync_to_async(session_cookie)(world["carla"])
        watcher = BoardClient(journey.pk, cookie, last=seq, serves="pain-point")
        watcher.dom = Node("#root", [], parse(html.content.decode()))
        connected, _code = await watcher.connect()
        assert connected
        await watcher.greet()
        ivo = browser_of(world["ivo"])
        assert (await sync_to_async(ivo.post)(f"{url}do/pick_up/", {"base_version": 1})).status_code == 302
        solved = {"resolution": "The agent screen shows the status", "base_version": 2}
        assert (await sync_to_async(ivo.post)(f"{url}do/solve/", solved)).status_code == 302
        await watcher.settle(await sync_to_async(lambda: Journey.objects.get(pk=journey.pk).seq)())
        reload = await sync_to_async(browser_of(world["carla"]).get)(url)
        await watcher.disconnect()
        return watcher.dom.children, parse(reload.content.decode())

    live, reload = run_async(scenario)

    state = find(live, f"pain-point-{pain_point.pk}-state").html()
    assert "solved" in state and "The agent screen shows the status" in state
    timeline = find(live, f"pain-point-{pain_point.pk}-timeline").html()
    assert "picked up" in timeline and "Ivo Mol" in timeline
    assert shared_parts(live, pain_point) == shared_parts(reload, pain_point)


def test_the_pushed_parts_hold_no_csrf_token_and_no_actions(world):
    pain_point = world["pain_point"]

    pushed = fragments.render_changes(world["journey"], {"step": pain_point.step_id, "pain_point": pain_point.pk})

    for part in ("heading", "state", "timeline"):
        assert f'id="pain-point-{pain_point.pk}-{part}" ' in pushed
    assert "csrfmiddlewaretoken" not in pushed and f"pain-point-{pain_point.pk}-actions" not in pushed


def test_a_re_tag_on_the_board_pushes_the_page_s_heading(world):
    pain_point = world["pain_point"]
    services.pain_point_update(
        pain_point=pain_point,
        actor=world["anna"],
        base_version=None,
        text="The agent sees nothing",
        severity="high",
        departments=[world["finance"]],
    )

    pushed = fragments.render_changes(world["journey"], {"step": pain_point.step_id, "pain_point": pain_point.pk})

    heading = pushed.split(f'id="pain-point-{pain_point.pk}-heading"', 1)[1].split("</div>", 1)[0]
    assert "The agent sees nothing" in heading and "Finance" in heading and "IT" not in heading


def test_deleting_the_pain_point_tells_the_open_page(world):
    pain_point = world["pain_point"]

    pushed = fragments.render_changes(world["journey"], {"deleted_pain_point": pain_point.pk})

    assert f'id="pain-point-{pain_point.pk}-state"' in pushed and 'data-gone="true"' in pushed


def test_a_member_s_page_connects_to_the_journey_s_socket_with_its_seq(world):
    pain_point, journey = world["pain_point"], world["journey"]
    journey.refresh_from_db()

    html = browser_of(world["dirk"]).get(page_url(pain_point)).content.decode()

    assert f'<div id="board-seq" data-seq="{journey.seq}" hidden></div>' in html
    assert f'ws-connect="/ws/j/{journey.pk}/pain-point/"' in html and "live/live.js" in html
    assert f'hx-get="/j/{journey.pk}/pain-points/{pain_point.pk}/actions/"' in html


def test_a_manager_reading_a_pain_point_off_their_journeys_gets_no_socket(world):
    html = browser_of(make_manager()).get(page_url(world["pain_point"])).content.decode()

    assert 'ws-connect="/ws/j/' not in html and "board-seq" not in html  # the header's bell has a socket of its own
    assert 'hx-get="/j/' not in html


def test_the_actions_refetch_is_each_viewer_s_own_and_carries_the_shared_parts(world):
    pain_point = world["pain_point"]
    url = f"{page_url(pain_point)}actions/"
    ivo, carla, dirk = browser_of(world["ivo"]), browser_of(world["carla"]), browser_of(world["dirk"])
    ivo.post(f"{page_url(pain_point)}do/pick_up/", {"base_version": 1})

    for_ivo, for_carla, for_dirk = (client.get(url).content.decode() for client in (ivo, carla, dirk))

    assert "Give back" in for_ivo and "Give back" not in for_carla  # only the owner (or facilitator) gives back
    assert "Mark solved" in for_carla and "Mark solved" not in for_dirk  # Dirk is in Finance: he may only comment
    assert "Pick up" not in for_carla
    assert 'name="base_version" value="2"' in for_carla
    assert f'id="pain-point-{pain_point.pk}-state" ' in for_dirk and 'hx-swap-oob="morph"' in for_dirk


def test_the_actions_refetch_is_404_off_the_journey(world):
    url = f"{page_url(world['pain_point'])}actions/"

    assert browser_of(world["outsider"]).get(url).status_code == 404
    assert browser_of(make_manager()).get(url).status_code == 404


def test_undoing_a_pain_point_edit_or_its_tag_pushes_the_page_s_parts(world):
    from journeys import undo

    pain_point, journey, anna = world["pain_point"], world["journey"], world["anna"]
    services.pain_point_update(
        pain_point=pain_point,
        actor=anna,
        base_version=None,
        text="Edited by mistake",
        severity="high",
        departments=[world["it"]],
    )
    edit_undone = undo.change_undo(journey=journey, actor=anna)
    pushed_edit = fragments.render_changes(journey, edit_undone.targets)
    tagged = services.pain_point_create(
        step=world["step"], actor=anna, text="Tagged by mistake", severity="low", departments=[world["it"]]
    )
    tag_undone = undo.change_undo(journey=journey, actor=anna)
    pushed_tag = fragments.render_changes(journey, tag_undone.targets)

    heading = pushed_edit.split(f'id="pain-point-{pain_point.pk}-heading"', 1)[1].split("</div>", 1)[0]
    assert "The agent cannot see the status of the change" in heading and "Edited by mistake" not in heading
    assert f'id="owner-row-{pain_point.pk}"' in pushed_edit
    assert f'id="pain-point-{tagged.pk}-state"' in pushed_tag and 'data-gone="true"' in pushed_tag
