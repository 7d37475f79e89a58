"""E-mails go out in the language someone uses the site in: remember it when they log in (the language their
browser asks for, or the one they picked before) and when they switch it in the header. Only at those two moments:
no other request pays for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from notifications.services import language_remember

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def remember_on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Receiver of `user_logged_in`."""
    language = getattr(request, "LANGUAGE_CODE", "")
    if language in LANGUAGES:
        language_remember(user=user, language=language)


class RememberLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and request.path_info == reverse("set_language"):
            user, language = getattr(request, "user", None), request.POST.get("language", "")
            if user is not None and user.is_authenticated and language in LANGUAGES and response.status_code < 400:
                language_remember(user=user, language=language)
        return response
