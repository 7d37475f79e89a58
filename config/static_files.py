"""daphne serving /static/ itself (SERVE_STATIC): Django's handler, with a path that climbs out of the static folders
(`/static/%2e%2e/...`) answered 404 like any missing file instead of a server error."""

from __future__ import annotations

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpRequest, HttpResponse


class StaticFiles(ASGIStaticFilesHandler):
    def serve(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().serve(request)
        except SuspiciousFileOperation as error:
            raise Http404("No such file") from error
