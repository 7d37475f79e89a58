"""Shared by the browser tests of the customer's view (lane roles, the experience curve, versions): signing in at a
given screen size and language, and the Dutch catalog compiled before daphne serves anything in Dutch."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from tests.factories import PASSWORD
from tests.test_dutch import LOCALE


@pytest.fixture(autouse=True)
def compiled_messages() -> None:
    if not (LOCALE / "django.mo").exists():
        call_command("compilemessages", locale=["nl"], ignore_patterns=[".venv", "staticfiles", "bench"], verbosity=0)


def open_page(
    browser: Browser, base: str, username: str, path: str, *, width: int = 1280, height: int = 800, locale: str = "en"
) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}, locale=locale).new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}{path}")
    return page
