"""The OpenID Connect sign-in (mozilla-django-oidc), with users matched and kept up to date by `accounts.sso`."""

from __future__ import annotations

from typing import Any

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import sso


class SsoBackend(OIDCAuthenticationBackend):
    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        return sso.merged_claims(super().get_userinfo(access_token, id_token, payload), payload)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return sso.users_for_claims(claims)

    def create_user(self, claims: dict[str, Any]) -> Any:
        return sso.sso_user_create(claims=claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        return sso.sso_user_sync(user=user, claims=claims)
