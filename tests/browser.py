"""Helpers of the browser tests: logging in through the form, and axe's serious findings."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator(".site-nav .who")).to_be_visible()


def serious_violations(page: Page) -> list[tuple[str, list]]:
    """What axe finds serious or critical on the page, with where."""
    results = Axe().run(page)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
