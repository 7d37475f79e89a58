"""Settings for the test run: the project's own, with a password hasher that costs microseconds, not 0.3 s."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
