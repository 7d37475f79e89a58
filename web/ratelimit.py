"""A per-user, per-journey limit on board changes, so one runaway client cannot flood everyone's board.

Every POST under /j/<id>/ counts as a change. The count lives in the "ratelimit" cache (Redis when REDIS_URL is set,
so the limit holds across daphne processes) in fixed one-minute windows. Past the limit the request never reaches
the view: it gets 429 with a message the board shows, and nothing is saved. Other users, and the same user on
another journey, count separately.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

BOARD_CHANGE_PATH = re.compile(r"^/j/(?P<journey_id>\d+)/")
WINDOW_SECONDS = 60


def change_allowed(*, user_id: int, journey_id: int, now: float | None = None) -> bool:
    """Count one change; False once this user went past the limit on this journey in the current window."""
    window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    key = f"board-changes:{journey_id}:{user_id}:{window}"
    cache = caches["ratelimit"]
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count <= settings.BOARD_CHANGES_PER_MINUTE


def too_many_changes_response() -> HttpResponse:
    response = HttpResponse(render_to_string("exchange/rate_limited.html"), status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return response


class BoardRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.user.is_authenticated:
            match = BOARD_CHANGE_PATH.match(request.path_info)
            if match and not change_allowed(user_id=request.user.pk, journey_id=int(match["journey_id"])):
                return too_many_changes_response()
        return self.get_response(request)
