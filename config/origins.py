"""Which pages may open our sockets: the session cookie rides along from any site, so the Origin must be ours.

Channels' AllowedHostsOriginValidator compares the host name only: a page on `http://127.0.0.1:9999` (any program
listening on another port of the same machine) or on plain http passes for `https://127.0.0.1`. Here the Origin must
be the very origin the socket connects to, scheme, host and port, and that host must be in ALLOWED_HOSTS.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def expected_scheme(scope: dict[str, Any], headers: dict[bytes, bytes]) -> str:
    """http or https: what the page that opened this socket was served over."""
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:  # behind a proxy that ends TLS, trusted like Django trusts it for requests
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
        return "https" if headers.get(name, b"").decode("latin-1") == proxy[1] else "http"
    if "scheme" in scope:
        return "https" if scope["scheme"] in ("wss", "https") else "http"
    # daphne does not say: with secure cookies (production) the session only ever reaches https pages.
    return "https" if settings.SESSION_COOKIE_SECURE else "http"


def same_origin(scope: dict[str, Any]) -> bool:
    headers = dict(scope.get("headers", []))
    try:
        origin = urlsplit(headers.get(b"origin", b"").decode("latin-1"))
        origin_port = origin.port
    except ValueError:  # a port that is no number
        return False
    domain, port = split_domain_port(headers.get(b"host", b"").decode("latin-1"))
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS) or not origin.hostname:
        return False
    scheme = expected_scheme(scope, headers)
    return (origin.scheme, origin.hostname, origin_port or DEFAULT_PORTS.get(origin.scheme)) == (
        scheme,
        domain.strip("[]"),
        int(port) if port else DEFAULT_PORTS[scheme],
    )


class SameOriginValidator:
    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if same_origin(scope):
            await self.application(scope, receive, send)
        else:  # refused before accepting, like Channels' validators: a foreign page need not be told more
            await WebsocketDenier()(scope, receive, send)
