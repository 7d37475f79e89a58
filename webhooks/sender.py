"""Sending one signed webhook message over HTTP(S) to the address `targets.resolve` checked (no redirects)."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from webhooks.targets import Target

EXCERPT_CHARS = 1000


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.address = target.address

    def connect(self) -> None:  # the certificate is checked against the host name, the socket goes to the address
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_CHARS * 4).decode("utf-8", "replace")[:EXCERPT_CHARS]
        return Answer(response.status, excerpt, "", _ms(started))
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, "", (str(error) or type(error).__name__)[:300], _ms(started))
    finally:
        connection.close()


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
