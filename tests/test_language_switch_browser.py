"""The language switch in the header, used with the keyboard: nothing changes until a language is chosen on purpose,
and after the page comes back in the other language the keyboard focus is on the switch again, not at the top."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, make_user
from tests.test_dutch import LOCALE

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def compiled_messages() -> None:
    # Compiled before daphne serves anything in Dutch, so its process loads the catalog (fresh clones have no .mo).
    if not (LOCALE / "django.mo").exists():
        call_command("compilemessages", locale=["nl"], ignore_patterns=[".venv", "staticfiles", "bench"], verbosity=0)


@pytest.fixture
def english_page(live_daphne: str, browser: Browser) -> Page:
    """Anna's journey list, in English because that is what her browser asks for."""
    make_user("anna", first_name="Anna", last_name="de Vries")
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{live_daphne}/login/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your customer journeys")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


def focus_is_in_the_switch(page: Page) -> bool:
    return page.evaluate("() => Boolean(document.activeElement?.closest('.lang-switch'))")


def tab_to_the_switch(page: Page) -> None:
    """Tab from the top of the page, as a keyboard user does, until the focus reaches the language switch."""
    page.locator("body").evaluate("body => document.activeElement?.blur()")
    for _ in range(30):
        page.keyboard.press("Tab")
        if focus_is_in_the_switch(page):
            return
    raise AssertionError("Tab never reached the language switch")


def language_button(page: Page, code: str):
    return page.get_by_role("button", name=code, exact=True)


def test_arrow_keys_on_the_switch_do_not_change_the_language(english_page: Page) -> None:
    tab_to_the_switch(english_page)

    english_page.keyboard.press("ArrowDown")
    english_page.keyboard.press("ArrowDown")
    english_page.wait_for_timeout(700)  # long enough for a form submit and reload to have started

    expect(english_page.locator("html")).to_have_attribute("lang", "en")
    expect(english_page.get_by_role("heading", name="Your customer journeys")).to_be_visible()
    assert focus_is_in_the_switch(english_page)
    expect(language_button(english_page, "EN")).to_have_attribute("aria-pressed", "true")
    expect(language_button(english_page, "NL")).to_have_attribute("aria-pressed", "false")

    english_page.evaluate("() => { window.notReloaded = true; }")
    english_page.keyboard.press("Enter")  # on EN, the language the page is already in: nothing to do
    english_page.wait_for_timeout(700)
    assert english_page.evaluate("() => window.notReloaded === true")  # what is typed elsewhere on the page stays
    expect(language_button(english_page, "EN")).to_be_focused()


def test_choosing_dutch_with_the_keyboard_turns_the_page_dutch_and_keeps_the_focus_on_the_switch(
    english_page: Page,
) -> None:
    tab_to_the_switch(english_page)
    expect(language_button(english_page, "EN")).to_be_focused()  # the current language comes first
    english_page.keyboard.press("Tab")
    expect(language_button(english_page, "NL")).to_be_focused()

    english_page.keyboard.press("Enter")

    expect(english_page.locator("html")).to_have_attribute("lang", "nl")
    expect(english_page.get_by_role("heading", name="Je klantreizen")).to_be_visible()
    expect(english_page.get_by_role("group", name="Taal")).to_be_visible()
    expect(language_button(english_page, "NL")).to_be_focused()
    expect(language_button(english_page, "NL")).to_have_attribute("aria-pressed", "true")
    expect(language_button(english_page, "EN")).to_have_attribute("aria-pressed", "false")


def test_switching_back_to_english_with_the_keyboard(english_page: Page) -> None:
    tab_to_the_switch(english_page)
    english_page.keyboard.press("Tab")
    english_page.keyboard.press("Space")
    expect(english_page.locator("html")).to_have_attribute("lang", "nl")
    expect(language_button(english_page, "NL")).to_be_focused()

    english_page.keyboard.press("Shift+Tab")
    expect(language_button(english_page, "EN")).to_be_focused()
    english_page.keyboard.press("Space")

    expect(english_page.locator("html")).to_have_attribute("lang", "en")
    expect(english_page.get_by_role("heading", name="Your customer journeys")).to_be_visible()
    expect(language_button(english_page, "EN")).to_be_focused()
    expect(language_button(english_page, "EN")).to_have_attribute("aria-pressed", "true")

    english_page.reload()  # only the switch's own reload puts the focus there; an ordinary visit starts at the top
    expect(english_page.locator("html")).to_have_attribute("lang", "en")
    assert not focus_is_in_the_switch(english_page)


def test_the_switch_works_without_javascript(live_daphne: str, browser: Browser) -> None:
    make_user("bram")
    page = browser.new_context(locale="en-GB", java_script_enabled=False).new_page()
    page.goto(f"{live_daphne}/login/?next=/")
    page.get_by_label("Username").fill("bram")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your customer journeys")).to_be_visible()

    language_button(page, "NL").click()

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Je klantreizen")).to_be_visible()  # the same page, now in Dutch
