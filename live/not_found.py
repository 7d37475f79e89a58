"""Sockets at a path we do not serve, or for an id no row can have: accepted, then closed with 4404.

Refusing the handshake would look like a network error to a browser, which then retries forever; an unrouted
path would otherwise raise inside Channels' router (logged as a server error, 1011 or a 500 handshake).
"""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer

from live import close_codes

# The largest id a row can have (a signed 64-bit integer); a longer number in a socket path is no id of ours.
MAX_ID = 2**63 - 1


class IdConverter:
    """`<id:journey_id>`: a whole number that fits the database's ids; anything longer does not match the route."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # the route does not match: the socket reaches NotFoundConsumer
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class NotFoundConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        await self.close(code=close_codes.NOT_FOUND)
