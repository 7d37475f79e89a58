"""Settings for the test run: the project's own, with a password hasher that costs microseconds, not 0.3 s."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests do not depend on `collectstatic` having run (Django's advice for the manifest storage): pages name the files
# as they are, and whitenoise finds them in the app folders. tests/test_static_files.py checks the collected mode.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
