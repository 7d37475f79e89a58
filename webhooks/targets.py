"""Which addresses webhooks may be sent to: only hosts an administrator allowed (WEBHOOK_ALLOWED_HOSTS), and never an
internal address (loopback, private, link-local, ...) unless its network is allowed too (WEBHOOK_INTERNAL_NETWORKS).
The address is checked where the connection is made, after resolving the name, and the connection goes to exactly
the address checked: a name that resolves elsewhere a moment later (DNS rebinding) gains nothing."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class TargetRefused(Exception):
    """This address may not receive webhooks; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the IP address the connection goes to


def host_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    for allowed in settings.WEBHOOK_ALLOWED_HOSTS:
        allowed = allowed.lower()
        if allowed == "*" or host == allowed or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an address whose form and host are allowed; TargetRefused otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TargetRefused(_("Use an http or https address."))
    if parts.scheme == "http" and not settings.WEBHOOK_ALLOW_HTTP:
        raise TargetRefused(_("Use an https address: plain http is switched off (WEBHOOK_ALLOW_HTTP)."))
    if parts.username or parts.password:
        raise TargetRefused(_("Leave the user name and password out of the address."))
    if not host_allowed(parts.hostname):
        raise TargetRefused(
            _("The administrator has not allowed webhooks to %(host)s (WEBHOOK_ALLOWED_HOSTS).")
            % {"host": parts.hostname}
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), path


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.is_global and not ip.is_multicast:
        return True
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.WEBHOOK_INTERNAL_NETWORKS)


def resolve(url: str) -> Target:
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise TargetRefused(_("The name %(host)s does not resolve.") % {"host": host}) from error
    addresses = [info[4][0] for info in infos]
    refused = [address for address in addresses if not address_allowed(address)]
    if refused:  # every address must pass: the name may resolve to any of them
        raise TargetRefused(
            _("%(host)s resolves to an internal address (%(address)s): not allowed (WEBHOOK_INTERNAL_NETWORKS).")
            % {"host": host, "address": refused[0]}
        )
    return Target(scheme, host, port, path, addresses[0])
