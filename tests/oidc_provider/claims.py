from __future__ import annotations

from typing import Any

from oidc_provider.lib.claims import ScopeClaims


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims.update(
        given_name=user.first_name,
        family_name=user.last_name,
        name=user.get_full_name(),
        preferred_username=user.username,
        email=user.email,
        email_verified=True,
    )
    return claims


class GroupClaims(ScopeClaims):
    """A "groups" scope with the user's group names, as Keycloak's group mapper or Entra ID's groups claim send."""

    info_groups = ("Groups", "The groups you are in.")

    def scope_groups(self) -> dict[str, Any]:
        return {"groups": list(self.user.groups.order_by("name").values_list("name", flat=True))}
