"""Two things every answer under /j/<id>/ needs, whichever view made it.

- `Gone`: a member's page names something deleted since it was shown (an open panel of a step a colleague just
  deleted): the answer says so in words (404, plain text the page shows), not with a bare "not found".
- `X-Journey-Seq` on htmx GETs: the journey's sequence number read before the view renders, so the page can tell
  an answer rendered under an older state than it already shows, and fetch it again instead of rolling back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from journeys.models import Journey

JOURNEY_PATH = re.compile(r"^/j/(?P<journey_id>\d+)/")


class Gone(Http404):
    """Raised by a view for a thing of a journey the user is a member of that no longer exists."""


class JourneyAnswerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = JOURNEY_PATH.match(request.path_info)
        if not match or request.method != "GET" or "HX-Request" not in request.headers:
            return self.get_response(request)
        seq = Journey.objects.filter(pk=match["journey_id"]).values_list("seq", flat=True).first()
        response = self.get_response(request)
        if seq is not None and response.status_code == 200:
            response["X-Journey-Seq"] = str(seq)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Gone):
            return HttpResponse(str(exception), status=404, content_type="text/plain; charset=utf-8")
        return None
