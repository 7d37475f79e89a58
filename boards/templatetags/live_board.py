from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def board_heartbeat_seconds() -> int:
    """The server's heartbeat interval, so live.js's watchdog waits long enough before reconnecting."""
    return settings.BOARD_HEARTBEAT_SECONDS
