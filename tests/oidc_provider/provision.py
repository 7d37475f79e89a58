"""Set the provider up: python -m tests.oidc_provider.provision <redirect uri> (after migrate and creatersakey).
Makes the relying party's client and one person, Carla, in the groups IT and jb-managers."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME  # noqa: E402


def main(redirect_uri: str) -> None:
    client = Client.objects.create(
        name="Journey Board",
        client_type="confidential",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_alg="RS256",
        redirect_uris=[redirect_uri],
        require_consent=False,
        reuse_consent=True,
        _scope="openid email profile groups",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    carla = User.objects.create_user(
        USERNAME, email="carla@insurer.example", password=PASSWORD, first_name="Carla", last_name="Bakker"
    )
    for name in ("IT", "jb-managers"):
        carla.groups.add(Group.objects.create(name=name))


if __name__ == "__main__":
    main(sys.argv[1])
