"""The in-memory channel layer, losing board pushes the way a full receiver queue does: silently."""

from __future__ import annotations

from collections import Counter
from typing import Any

from channels.layers import InMemoryChannelLayer


class LossyInMemoryChannelLayer(InMemoryChannelLayer):
    """Drops every `drop_every`-th board push to each channel (the layer's own loss is the same: no error)."""

    def __init__(self, drop_every: int = 3, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.drop_every = drop_every
        self.pushes: Counter[str] = Counter()
        self.dropped = 0

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        if message.get("type") == "board.push":
            self.pushes[channel] += 1
            if self.pushes[channel] % self.drop_every == 0:
                self.dropped += 1
                return
        await super().send(channel, message)
