"""The board on paper and in a report: the Export menu where the board's tools are, the print page on one landscape
A4 or A3 sheet (title, date, lanes, hand-offs, pain points with their departments, legend), looked at as PNGs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from demo.data import load_demo
from journeys.models import Department, PainPoint, Step
from tests.test_dashboard_browser import log_in  # the demo users' login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
# Landscape sheets in PDF points (1/72 inch).
SHEETS = {"a4": (841.89, 595.28), "a3": (1190.55, 841.89)}


def letters(words: str) -> str:
    """Text as pdftotext gives it back: without spaces, line breaks, and the hyphens it drops at a wrapped line."""
    return "".join(words.split()).replace("-", "")


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_print_page_puts_the_whole_board_with_pain_points_and_legend_on_one_landscape_sheet(
    live_daphne, page: Page, tmp_path, paper
):
    journey = load_demo().journey
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_daphne, "anna", f"/j/{journey.pk}/print/?paper={paper}")
    expect(page.locator(".print-sheet svg")).to_be_visible()
    pdf = tmp_path / f"board-{paper}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)  # default settings: the page's CSS sets the sheet

    media_boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert len(media_boxes) == 1  # one sheet
    width, height = (float(v) for v in media_boxes[0])
    assert abs(width - SHEETS[paper][0]) < 2 and abs(height - SHEETS[paper][1]) < 2

    if not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed: page size checked, text and pixels not")
    text = letters(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    assert letters(journey.title) in text
    assert letters(f"Exported on {date_format(timezone.localdate(), 'j M Y')}") in text
    assert letters("Legend") in text and letters("repeat contact (loop back)") in text
    last_step = Step.objects.filter(journey=journey).order_by("position").last()
    assert letters(last_step.title[:20]) in text
    for pain_point in PainPoint.objects.filter(journey=journey):
        assert letters(pain_point.text[:30]) in text
    for department in Department.objects.filter(lanes__journey=journey):
        assert letters(department.name) in text

    RESULTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(RESULTS / f"wall-print-{paper}")], check=True)


def test_print_page_in_dutch(live_daphne, page: Page):
    journey = load_demo().journey
    log_in(page, live_daphne, "anna", "/")
    page.click(".lang-switch button[value=nl]")
    page.goto(f"{live_daphne}/j/{journey.pk}/print/?paper=a3")
    sheet = page.locator(".print-sheet svg")
    expect(sheet).to_contain_text("Geëxporteerd op")
    expect(sheet).to_contain_text("Legenda")
    expect(page.get_by_role("link", name="A3 liggend")).to_have_attribute("aria-current", "true")


@pytest.mark.parametrize("width", [1920, 1366, 1280])
def test_export_menu_sits_with_the_board_tools_at_the_right_and_opens_on_screen(live_daphne, page: Page, width):
    journey = load_demo().journey
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_daphne, "anna", f"/j/{journey.pk}/")
    export = page.locator(".board-actions summary")
    export.click()
    menu = page.locator(".board-actions ul")
    expect(menu).to_be_visible()
    box, button, help_button = menu.bounding_box(), export.bounding_box(), page.locator(".help-button").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # wholly on screen
    assert button["x"] + button["width"] > width - 40  # the toolbar's right end
    assert abs(help_button["y"] - button["y"]) < 12 and help_button["x"] < button["x"]  # next to the board's tools
    a4 = page.get_by_role("link", name="Print on A4 (landscape)")
    expect(a4).to_have_attribute("href", f"/j/{journey.pk}/print/?paper=a4&print=1")
    expect(page.get_by_role("link", name="Print on A3 (landscape)")).to_be_visible()
    expect(page.get_by_role("link", name="Picture for a report (.svg)")).to_be_visible()
    if width == 1366:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / "wall-export-menu-1366.png"))


def test_ctrl_p_on_the_board_opens_the_picture_made_for_paper(live_daphne, page: Page):
    journey = load_demo().journey
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_daphne, "anna", f"/j/{journey.pk}/")
    page.locator(".step-card").first.focus()
    with page.context.expect_page() as opened:
        page.keyboard.press("Control+p")
    printed = opened.value
    printed.wait_for_load_state()
    assert printed.url.endswith(f"/j/{journey.pk}/print/?paper=a3&print=1")
    expect(printed.locator(".print-sheet svg")).to_be_visible()
    expect(page.locator(".step-card").first).to_be_visible()  # the board stays open behind it
