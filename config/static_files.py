"""whitenoise's middleware, made at home under daphne: Django's ASGI handler warns about (and then lists in a thread)
the synchronous file iterator of every file response. Here the file is read in the thread the middleware already runs
in, as Django's own ASGI static handler does, and handed over as one asynchronous chunk (the largest file, the Swagger
UI bundle, is about 1.5 MB; a board page needs well under 100 KB)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest
from whitenoise.middleware import WhiteNoiseFileResponse, WhiteNoiseMiddleware
from whitenoise.responders import StaticFile


class StaticFiles(WhiteNoiseMiddleware):
    @staticmethod
    def serve(static_file: StaticFile, request: HttpRequest) -> WhiteNoiseFileResponse:
        response = WhiteNoiseMiddleware.serve(static_file, request)
        if isinstance(request, ASGIRequest) and response.file_to_stream is not None:
            with response.file_to_stream as file:
                response.streaming_content = once(file.read())
        return response


async def once(body: bytes) -> AsyncIterator[bytes]:
    yield body
