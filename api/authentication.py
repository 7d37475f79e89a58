from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.selectors import user_for_api_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <personal API token>`: the request acts as the token's owner."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        found = user_for_api_token(header[1])
        if found is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid: it was revoked or never existed."))
        return found

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
