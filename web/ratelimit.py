"""Rate limits per user: board changes per journey, and new journeys (created, imported or copied).

A sliding window, counted in the "ratelimit" cache (Redis when REDIS_URL is set, so a limit holds across daphne
processes): the window is cut into BUCKETS slices, each an atomic counter, and a request is let through when the
slices covering the last window plus the current slice hold fewer than the limit. No span of `window` seconds ever
sees more than the limit (fixed one-minute windows let twice the limit through across a minute boundary), and a
client that stops is let in again within one slice after its oldest counted request leaves the window. A refused
request is not counted, so a client that keeps retrying is not locked out for longer.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

BOARD_CHANGE_PATH = re.compile(r"^/j/(?P<journey_id>\d+)/")
BUCKETS = 6


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    window_seconds: int

    @property
    def slice_seconds(self) -> float:
        return self.window_seconds / BUCKETS


def board_changes() -> Limit:
    return Limit("board-changes", settings.BOARD_CHANGES_PER_MINUTE, 60)


def new_journeys() -> Limit:
    return Limit("new-journeys", settings.JOURNEYS_PER_USER_PER_HOUR, 3600)


def hit(limit: Limit, who: str, *, now: float | None = None) -> int:
    """Count one request of `who`; 0 when allowed, else the seconds to wait before the next one is."""
    now = time.time() if now is None else now
    current = int(now // limit.slice_seconds)
    keys = [f"{limit.name}:{who}:{index}" for index in range(current - BUCKETS, current + 1)]
    cache = caches["ratelimit"]
    timeout = math.ceil(limit.window_seconds + 2 * limit.slice_seconds)
    cache.add(keys[-1], 0, timeout=timeout)
    try:
        cache.incr(keys[-1])
    except ValueError:  # expired between add and incr
        cache.set(keys[-1], 1, timeout=timeout)
    counts = cache.get_many(keys)
    if sum(counts.values()) <= limit.allowed:
        return 0
    cache.decr(keys[-1])
    return seconds_until_room(
        limit, [counts.get(key, 0) for key in keys[:-1]], counts.get(keys[-1], 1) - 1, current, now
    )


def seconds_until_room(limit: Limit, older: list[int], this_slice: int, current: int, now: float) -> int:
    """When enough of the oldest slices have left the window for one more request (slice `current - BUCKETS + i`
    leaves it when slice `current + i + 1` begins)."""
    to_shed = sum(older) + this_slice + 1 - limit.allowed
    for index, count in enumerate(older):
        to_shed -= count
        if to_shed <= 0:
            return max(1, math.ceil((current + index + 1) * limit.slice_seconds - now))
    return max(1, math.ceil((current + BUCKETS + 1) * limit.slice_seconds - now))  # this slice itself must go


def change_allowed(*, user_id: int, journey_id: int, now: float | None = None) -> bool:
    return hit(board_changes(), f"{journey_id}:{user_id}", now=now) == 0


def too_many_changes_response(wait: int) -> HttpResponse:
    response = HttpResponse(render_to_string("exchange/rate_limited.html"), status=429)
    response["Retry-After"] = str(wait)
    return response


class BoardRateLimitMiddleware:
    """Every POST under /j/<id>/ counts as a change; past the limit the request never reaches the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.user.is_authenticated:
            match = BOARD_CHANGE_PATH.match(request.path_info)
            if match:
                wait = hit(board_changes(), f"{match['journey_id']}:{request.user.pk}")
                if wait:
                    return too_many_changes_response(wait)
        return self.get_response(request)


def limits_new_journeys(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For views whose POST makes a new journey: past the user's limit, 429 and a page saying when to try again."""

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            wait = hit(new_journeys(), str(request.user.pk))
            if wait:
                minutes = max(1, math.ceil(wait / 60))
                context = {"minutes": minutes, "limit": settings.JOURNEYS_PER_USER_PER_HOUR}
                response = render(request, "web/too_many_journeys.html", context, status=429)
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return limited
