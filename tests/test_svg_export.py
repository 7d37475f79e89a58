from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from boards.svg_export import journey_svg, wrap_title
from demo.data import DEMO_PASSWORD, load_demo
from journeys.models import Department, Handoff, Step
from tests.factories import link, make_department, make_journey, make_step, make_user

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())


@pytest.mark.django_db
def test_svg_has_a_lane_per_department_a_card_per_step_and_an_arrow_per_handoff():
    journey = load_demo().journey
    root = parsed(journey_svg(journey))
    lanes = root.findall(f".//{SVG}g[@class='lane']")
    cards = root.findall(f".//{SVG}g[@class='card']")
    arrows = root.findall(f".//{SVG}g[@class='arrow']/{SVG}path")
    assert len(lanes) == 5
    assert len(cards) == Step.objects.filter(journey=journey).count()
    assert len(arrows) == Handoff.objects.filter(journey=journey).count()
    loops = [a for a in arrows if "loop" in a.get("class")]
    assert len(loops) == 1 and loops[0].get("marker-end") == "url(#loop-head)"
    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert {d.colour for d in Department.objects.filter(lanes__journey=journey)} <= fills


@pytest.mark.django_db
def test_markup_in_every_text_comes_out_escaped_in_the_svg():
    department = make_department(name="<b>Sales</b>")
    journey = make_journey(title=HOSTILE[:200])
    first = make_step(journey, title=HOSTILE[:120], department=department)
    second = make_step(journey, title="Next", department=department)
    link(journey, first, second, label=HOSTILE[:80])
    svg = journey_svg(journey)
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    root = parsed(svg)  # still well-formed XML
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert '<script>alert("x")</script>' in root.find(f"{SVG}title").text
    assert "<b>Sales</b>" in texts
    card_title = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "card-title")
    assert "".join(card_title.itertext()).startswith('<script>alert("x")</scri')  # wrapped, as text


def test_long_titles_wrap_into_three_lines_at_most():
    lines = wrap_title("Recalculates the home-insurance premium for the new postcode and sends a letter about it")
    assert 1 < len(lines) <= 3
    assert all(len(line) <= 24 for line in lines)
    assert lines[-1].endswith("…")
    assert wrap_title("Short") == ["Short"]


@pytest.mark.django_db
def test_svg_view_downloads_the_map_for_members_only():
    journey = load_demo().journey
    client = Client()
    client.force_login(journey.created_by)
    response = client.get(reverse("journey_export_svg", args=[journey.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"].endswith('.svg"')
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    other = Client()
    other.force_login(make_user())
    assert other.get(reverse("journey_export_svg", args=[journey.pk])).status_code == 404


# Printing --------------------------------------------------------------------------------------------------------


def read_ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, _maxval, pixels = re.match(rb"(P6)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    return int(width), int(height), pixels


def count_pixels_near(pixels: bytes, colour: tuple[int, int, int], tolerance: int = 6) -> int:
    count = 0
    for i in range(0, len(pixels) - 2, 3):
        if all(abs(pixels[i + c] - colour[c]) <= tolerance for c in range(3)):
            count += 1
    return count


def mixed_with_white(hex_colour: str, share: float) -> tuple[int, int, int]:
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return tuple(round(share * c + (1 - share) * 255) for c in rgb)


@pytest.mark.browser
@pytest.mark.slow
def test_board_prints_on_one_a3_landscape_sheet_with_lane_colours(live_daphne, page, tmp_path):
    journey = load_demo().journey
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{live_daphne}/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_daphne}/j/{journey.pk}/")
    pdf = tmp_path / "board.pdf"
    # Default print settings (no "background graphics"): the stylesheet itself must keep the colours.
    page.pdf(path=str(pdf), prefer_css_page_size=True)

    media_boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert len(media_boxes) == 1  # one sheet
    width, height = (float(v) for v in media_boxes[0])
    assert abs(width - 1190.55) < 2 and abs(height - 841.89) < 2  # A3 landscape in points

    if not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed: page size checked, pixels not")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    last_step = Step.objects.filter(journey=journey).order_by("position").last()

    # The board was shrunk to fit, not cut off. A title may wrap, "e-mail" at its hyphen, which pdftotext then drops.
    def letters(words: str) -> str:
        return "".join(words.split()).replace("-", "")

    assert letters(last_step.title) in letters(text)
    subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(tmp_path / "sheet")], check=True)
    _w, _h, pixels = read_ppm(next(tmp_path.glob("sheet*.ppm")))
    for department in Department.objects.filter(lanes__journey=journey):
        header = mixed_with_white(department.colour, 0.22)  # the lane header's background
        assert count_pixels_near(pixels, header) > 200, department.name
