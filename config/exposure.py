"""A loud warning when the app runs in development mode, with the publicly known secret key, where other machines
can reach it: anyone who knows the key (it is in this repository) can forge a session and log in as anyone.

Checked where it is known: the host names it was told to answer (ALLOWED_HOSTS, at start) and the address each
connection actually arrived on (daphne's `server` in the ASGI scope: 0.0.0.0 or a network card, not loopback).
"""

from __future__ import annotations

import ipaddress
import sys
from typing import Any

from django.conf import settings

LOOPBACK_NAMES = {"localhost", "testserver", "[::1]", "::1"}

BANNER = """
======================================================================================================
  WARNING: Journey Board runs in DEVELOPMENT mode with the PUBLICLY KNOWN secret key, and {where}.
  Anyone who can reach it can forge a login. Set PRODUCTION=true and a SECRET_KEY of your own
  (see the README's Deployment section), or serve it on 127.0.0.1 only.
======================================================================================================
"""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def warn(where: str) -> None:
    print(BANNER.format(where=where), file=sys.stderr, flush=True)


def exposed_host_names() -> list[str]:
    return [host for host in settings.ALLOWED_HOSTS if not is_loopback(host)]


class WarnsWhenExposed:
    """Around the ASGI app while the publicly known key is in use: warns once, at the first connection that arrives
    on an address other than loopback."""

    def __init__(self, application: Any) -> None:
        self.application = application
        self.warned = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        server = scope.get("server")
        if not self.warned and server and not is_loopback(str(server[0])):
            self.warned = True
            warn(f"a visitor reached it on {server[0]}")
        await self.application(scope, receive, send)


def guarded(application: Any) -> Any:
    if not settings.PUBLICLY_KNOWN_KEY:
        return application
    if exposed_host_names():
        warn(f"ALLOWED_HOSTS names {', '.join(exposed_host_names())}")
    return WarnsWhenExposed(application)
