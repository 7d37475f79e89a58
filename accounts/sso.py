"""Single sign-on: who a signed-in person is here, from the identity provider's claims. Users are created on first
sign-in; on every sign-in their name and e-mail follow the provider and, when the claims are configured, so do their
departments (OIDC_DEPARTMENTS_CLAIM) and membership of the managers' group (OIDC_MANAGERS_CLAIM with
OIDC_MANAGER_VALUES). The provider is then the truth: a department it no longer names is taken away."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import DepartmentClaim, SsoIdentity
from journeys.models import Department
from journeys.permissions import MANAGERS_GROUP


def merged_claims(userinfo: dict[str, Any], id_token_claims: dict[str, Any]) -> dict[str, Any]:
    """The user endpoint's claims; with OIDC_CLAIMS_FROM_ID_TOKEN also the ID token's (Entra ID sends groups only
    there). Where both have a claim, the user endpoint's stands."""
    if not settings.OIDC_CLAIMS_FROM_ID_TOKEN:
        return userinfo
    return {**id_token_claims, **userinfo}


def claim_values(claims: dict[str, Any], name: str) -> list[str]:
    value = claims.get(name) if name else None
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def departments_for_claim(values: list[str]) -> QuerySet[Department]:
    """Departments named by the claim: through a DepartmentClaim row (a group id or path), else by name (a leading
    "/" of a group path, as Keycloak sends them, is ignored)."""
    mapped = DepartmentClaim.objects.filter(value__in=values).values("department_id")
    names = {value.rsplit("/", 1)[-1] if value.startswith("/") else value for value in values}
    return Department.objects.filter(Q(pk__in=mapped) | Q(name__in=names))


def users_for_claims(claims: dict[str, Any]) -> QuerySet:
    """The user a sign-in belongs to: by the provider's subject, else (first sign-in) by e-mail, to link an
    account made before single sign-on was switched on."""
    users = get_user_model().objects.filter(sso_identity__subject=claims.get("sub", ""))
    if users.exists() or not claims.get("email") or not settings.OIDC_LINK_BY_EMAIL:
        return users
    return get_user_model().objects.filter(email__iexact=claims["email"], sso_identity__isnull=True)


def _free_username(claims: dict[str, Any]) -> str:
    wanted = str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or claims["sub"])[:140]
    taken = get_user_model().objects.filter(username__startswith=wanted).values_list("username", flat=True)
    taken_set, suffix, username = set(taken), 1, wanted
    while username in taken_set:
        suffix += 1
        username = f"{wanted}-{suffix}"
    return username


@transaction.atomic
def sso_user_create(*, claims: dict[str, Any]) -> Any:
    user = get_user_model()(username=_free_username(claims))
    user.set_unusable_password()  # signs in through the provider only
    return sso_user_sync(user=user, claims=claims)


@transaction.atomic
def sso_user_sync(*, user: Any, claims: dict[str, Any]) -> Any:
    user.email = claims.get("email", user.email) or ""
    user.first_name = (claims.get("given_name") or user.first_name)[:150]
    user.last_name = (claims.get("family_name") or user.last_name)[:150]
    user.save()
    SsoIdentity.objects.update_or_create(user=user, defaults={"subject": claims["sub"]})
    if settings.OIDC_DEPARTMENTS_CLAIM:
        user.departments.set(departments_for_claim(claim_values(claims, settings.OIDC_DEPARTMENTS_CLAIM)))
    if settings.OIDC_MANAGER_VALUES:
        managers, _created = Group.objects.get_or_create(name=MANAGERS_GROUP)
        values = set(claim_values(claims, settings.OIDC_MANAGERS_CLAIM))
        if values & set(settings.OIDC_MANAGER_VALUES):
            user.groups.add(managers)
        else:
            user.groups.remove(managers)
    user.__dict__.pop("_is_manager", None)
    return user
