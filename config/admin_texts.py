"""Texts of Django's own admin that Django 5.2's Dutch catalog does not translate yet (the column headings screen
readers announce on the admin index). Listed here so `makemessages` puts them in our catalog, which comes first
(LOCALE_PATHS). Drop an entry once Django ships its translation."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ADMIN_TEXTS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]
