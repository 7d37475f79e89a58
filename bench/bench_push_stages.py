"""Where the time of one change goes: each stage of a step rename timed on its own, in one process.

The bench board of bench_live.py (30 steps) in a scratch SQLite file, N sockets (in-memory layer channels, with their
presence rows) watching it in English and Dutch. Per rename, in the order the write path runs them:

- `change`: the service in its transaction (lock, version check, seq, event row), through commit;
- `push render <lang>`: the push frame's fragments in that language (live.broadcast.push_frame);
- `follow-up render <lang>`: the follow-up frames (the insights panel) in that language;
- `group_send`: handing the frames to the channel layer for the N sockets;
- `answer`: the author's answer as the view builds it after the hand-off (web.changes.fragments_answer);
- `POST, whole`: the same rename as an HTTP POST through Django's test client, from request to answer.

    .venv/bin/python bench/bench_push_stages.py [--renames 60] [--sockets 50]

Prints the median and p90 of each stage in ms. The whole POST runs inside an event loop the way daphne runs a view
(sync_to_async), so the push is handed off like in production; the figure is how long the author waits.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.pop("REDIS_URL", None)

from bench import harness  # noqa: E402

harness.setup_django(harness.scratch_sqlite("stages"), BOARD_CHANGES_PER_MINUTE="100000")

from asgiref.sync import sync_to_async  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from journeys import changes, services  # noqa: E402
from journeys.models import Department, Event, Membership, Step  # noqa: E402
from live import broadcast, presence  # noqa: E402
from web.changes import fragments_answer  # noqa: E402

TIMES: dict[str, list[float]] = defaultdict(list)
LANGUAGES = ("en", "nl")


@contextmanager
def timed(stage: str):
    start = time.perf_counter()
    yield
    TIMES[stage].append(1000 * (time.perf_counter() - start))


def build(sockets: int) -> tuple:
    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    editor = users.create_user(username="editor", first_name="Anna")
    viewer = users.create_user(username="viewer", first_name="Bram")
    department = Department.objects.create(name="Customer", colour="#1f77b4")
    department.members.add(editor)
    journey = services.journey_create(title="I am moving: change my address", actor=editor)
    Membership.objects.create(journey=journey, user=viewer)
    for n in range(30):
        title = f"Step {n}: the customer waits"
        services.step_create(journey=journey, actor=editor, title=title, department=department)
    channels = [f"bench.channel!{n}" for n in range(sockets)]
    for n, channel in enumerate(channels):
        language = LANGUAGES[n % 2]
        presence.arrive(journey_id=journey.pk, user=viewer, channel_name=channel, language=language)
    return editor, journey, Step.objects.filter(journey=journey).first(), channels


async def join(journey_id: int, channels: list[str]) -> None:
    for n, channel in enumerate(channels):
        await broadcast.join(journey_id, LANGUAGES[n % 2], "board", channel)


async def drain(channels: list[str]) -> None:
    layer = get_channel_layer()
    for channel in channels:
        while not layer.channels[channel].empty() if channel in layer.channels else False:
            layer.channels[channel].get_nowait()


def stages(editor, journey, step: Step, n: int) -> Event:
    announce, changes.announce = changes.announce, lambda event: None  # the push is timed on its own below
    try:
        with timed("change (transaction, version check, event)"):
            step = services.step_update(step=step, actor=editor, base_version=step.version, title=f"Renamed {n}")
    finally:
        changes.announce = announce
    event = Event.objects.filter(journey=journey).order_by("-seq").first()
    audiences = presence.audiences_here(journey.pk)
    messages = []
    for language, pages in audiences.items():
        with timed(f"push render {language}"):
            for page in pages:
                html = broadcast.push_frame(event, language, page)
                messages.append((broadcast.group_name(journey.pk, language, page), "board.push", event.seq, html))
        with timed(f"follow-up render {language}"):
            for page, html in broadcast.follow_up_frames(event, language, pages).items():
                messages.append((broadcast.group_name(journey.pk, language, page), "board.followup", event.seq, html))
    with timed("answer (author's fragments)"):
        fragments_answer(journey, event, replayed=False)
    return messages


async def fanned_out() -> None:
    """Wait for the pushes handed off after the answer (when the app hands them off) before the next rename."""
    try:
        from live import fanout
    except ImportError:
        return
    await fanout.drained()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renames", type=int, default=60)
    parser.add_argument("--sockets", type=int, default=50)
    args = parser.parse_args()
    editor, journey, step, channels = await sync_to_async(build)(args.sockets)
    await join(journey.pk, channels)
    layer = get_channel_layer()
    for n in range(args.renames):
        messages = await sync_to_async(stages)(editor, journey, step, n)
        step = await sync_to_async(Step.objects.get)(pk=step.pk)
        start = time.perf_counter()
        for group, kind, seq, html in messages:
            await layer.group_send(group, {"type": kind, "seq": seq, "html": html})
        TIMES[f"group_send ({args.sockets} sockets)"].append(1000 * (time.perf_counter() - start))
        await drain(channels)
    client = Client()
    await sync_to_async(client.force_login)(editor)
    for n in range(args.renames):
        step = await sync_to_async(Step.objects.get)(pk=step.pk)
        data = {"title": f"Posted {n}", "base_version": step.version}
        start = time.perf_counter()
        response = await sync_to_async(client.post)(f"/j/{journey.pk}/steps/{step.pk}/edit/", data)
        TIMES["POST, whole (author's answer)"].append(1000 * (time.perf_counter() - start))
        assert response.status_code == 200, response.status_code
        await fanned_out()
        await drain(channels)
    print(f"One step rename on a 30-step board, {args.sockets} sockets (en + nl), {args.renames} renames:")
    for stage, values in TIMES.items():
        p90 = sorted(values)[int(0.9 * (len(values) - 1))]
        print(f"  {stage:<46} median {statistics.median(values):6.1f} ms   p90 {p90:6.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
