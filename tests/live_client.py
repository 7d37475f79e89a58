"""A board socket client for tests: a WebsocketCommunicator logged in as a user, plus the browser's rules.

`BoardClient` applies frames the way static/live/live.js does (base <= last < seq; drop stale and duplicates; a gap asks
for a resync; a follow-up only on top of exactly its seq; it does not hold early frames back) and swaps their
out-of-band elements into a small DOM of the board, so tests can check that every client ends up showing the same board
as a fresh page load.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from config.asgi import application
from live import fanout

HEADER = re.compile(
    r'^\s*<div id="board-seq"[^>]*? data-seq="(\d+)" data-base="(\d+)" data-kind="(\w+)" data-actor="(\d*)"'
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "path"}
ORIGIN = (b"origin", b"http://127.0.0.1")
HOST = (b"host", b"127.0.0.1")  # a browser's socket on the page's own origin sends both


# A tiny DOM: enough to swap elements by id the way htmx's out-of-band swap does. ------------------------------


@dataclass
class Node:
    tag: str
    attrs: list[tuple[str, str | None]]
    children: list[Node | str] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return dict(self.attrs).get("id")

    def html(self) -> str:
        attrs = "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in self.attrs if k != "hx-swap-oob")
        inner = "".join(c if isinstance(c, str) else c.html() for c in self.children)
        return f"<{self.tag}{attrs}>" + ("" if self.tag in VOID else f"{inner}</{self.tag}>")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.root = Node("#root", [])
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, attrs))
        if tag not in VOID:
            self.stack[-1].children[-1].tag = tag  # self-closed SVG element: no children

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_entityref(self, name: str) -> None:
        self.stack[-1].children.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.stack[-1].children.append(f"&#{name};")


def parse(html: str) -> list[Node]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return [child for child in builder.root.children if isinstance(child, Node)]


def replace_by_id(parent: Node, new: Node) -> bool:
    for index, child in enumerate(parent.children):
        if isinstance(child, Node):
            if child.id == new.id:
                parent.children[index] = new
                return True
            if replace_by_id(child, new):
                return True
    return False


def find(nodes: list[Node | str], element_id: str) -> Node | None:
    """The element with this id, anywhere in `nodes`."""
    for node in nodes:
        if isinstance(node, Node):
            if node.id == element_id:
                return node
            found = find(node.children, element_id)
            if found is not None:
                return found
    return None


def board_html(nodes: list[Node]) -> str:
    return "".join(node.html() for node in nodes if node.id == "board-map")


# The client -------------------------------------------------------------------------------------------------


def browser_of(user) -> Client:
    """A test client logged in as `user`: one participant's browser, for HTTP."""
    client = Client()
    client.force_login(user)
    return client


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


class BoardClient:
    def __init__(
        self, journey_id: int, cookie: bytes, *, last: int, page: str = "", language: str = "en", serves: str = "board"
    ) -> None:
        headers = [ORIGIN, HOST, (b"cookie", cookie + f"; django_language={language}".encode())]
        path = f"/ws/j/{journey_id}/" if serves == "board" else f"/ws/j/{journey_id}/{serves}/"
        self.socket = WebsocketCommunicator(application, path, headers=headers)
        self.last = last
        self.dom = Node("#root", [], parse(page))
        self.applied: list[tuple[str, int, int]] = []  # (kind, base, seq)
        self.follow_ups: list[int] = []  # the seqs whose follow-up frame was applied
        self.resyncs = 0

    async def connect(self) -> tuple[bool, int | None]:
        return await self.socket.connect()

    async def hello(self) -> None:
        await self.socket.send_json_to({"type": "hello", "seq": self.last})

    async def receive_frame(self, timeout: float = 3) -> str:
        return await self.socket.receive_from(timeout=timeout)

    async def handle(self, message: str) -> str:
        """Apply one frame like live.js: returns what happened ('applied', 'dropped', 'gap', 'unsequenced')."""
        header = HEADER.match(message)
        if not header:
            self.swap(message)
            return "unsequenced"
        seq, base, kind = int(header[1]), int(header[2]), header[3]
        if kind == "heartbeat":
            return "heartbeat"
        if kind == "followup":
            if seq != self.last:
                return "dropped"
            self.swap(message)
            self.follow_ups.append(seq)
            return "followup"
        if seq < self.last or (seq == self.last and kind == "push"):
            return "dropped"
        if base > self.last:
            self.resyncs += 1
            await self.socket.send_json_to({"type": "resync", "seq": self.last})
            return "gap"
        self.swap(message)
        self.applied.append((kind, base, seq))
        self.last = seq
        return "applied"

    def swap(self, message: str) -> None:
        for node in parse(message):
            if node.id:
                replace_by_id(self.dom, node)

    async def receive_sequenced(self, timeout: float = 3) -> str:
        """The next frame that carries a sequence number; presence frames on the way are swapped in."""
        while True:
            message = await self.receive_frame(timeout)
            if HEADER.match(message):
                return message
            self.swap(message)

    async def settle(self, until_seq: int, timeout: float = 5) -> None:
        """Handle frames until this client has applied `until_seq`."""
        async with asyncio.timeout(timeout):
            while self.last < until_seq:
                await self.handle(await self.receive_frame(timeout))

    async def greet(self, timeout: float = 5) -> None:
        """Say hello with the last applied seq and handle frames until the server's catch-up answer is applied."""
        await self.hello()
        async with asyncio.timeout(timeout):
            while not any(kind != "push" for kind, _base, _seq in self.applied):
                await self.handle(await self.receive_frame(timeout))

    async def sequenced_within(self, seconds: float) -> list[str]:
        """The frames carrying a sequence number that arrive within `seconds`; presence frames are swapped and
        follow-ups handled like the browser does, neither is listed. The changes handed off before are all sent
        first (live.fanout), so `seconds` only bounds the wait for what nobody sent."""
        await fanout.drained()
        frames = []
        while not await self.socket.receive_nothing(timeout=seconds):
            message = await self.receive_frame()
            header = HEADER.match(message)
            if header and header[3] == "followup":
                await self.handle(message)
            elif header:
                frames.append(message)
            else:
                self.swap(message)
        return frames

    def board(self) -> str:
        return board_html(self.dom.children)

    async def disconnect(self) -> None:
        await self.socket.disconnect()


def hello_json(seq: int) -> str:
    return json.dumps({"type": "hello", "seq": seq})


def run_async(scenario: Callable[[], Awaitable[Any]]) -> Any:
    """Run `scenario` on a fresh event loop in its own thread.

    Playwright's sync API keeps an event loop running in the main thread once a browser test has run, and neither
    asyncio.run nor async_to_sync may start another there. The thread's ORM calls use its own connection.
    """

    def in_thread() -> Any:
        try:
            return async_to_sync(scenario)()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()
