from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from boards.svg_export import journey_svg, picture_for, svg_context, wrap_title
from demo.data import DEMO_PASSWORD, load_demo
from journeys.models import Department, Handoff, PainPoint, Step
from tests.factories import link, make_department, make_journey, make_pain_point, make_step, make_user

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())


def texts_of(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


@pytest.mark.django_db
def test_svg_draws_every_step_once_and_every_handoff_as_an_arrow_or_a_pair_of_numbered_stubs():
    journey = load_demo().journey
    root = parsed(journey_svg(journey))
    cards = root.findall(f".//{SVG}g[@class='card']")
    arrows = root.findall(f".//{SVG}g[@class='arrow']/{SVG}path")
    stubs = root.findall(f".//{SVG}g[@class='stub']")
    assert len(cards) == Step.objects.filter(journey=journey).count()
    numbers = sorted(int(t.text) for t in root.iter(f"{SVG}text") if t.get("class") == "card-number")
    assert numbers == list(range(1, len(cards) + 1))
    assert len(arrows) + len(stubs) // 2 == Handoff.objects.filter(journey=journey).count()
    assert len(stubs) % 2 == 0
    loops = [a for a in arrows if "loop" in a.get("class")] + [
        s for s in stubs if "loop" in s.find(f"{SVG}path").get("class")
    ]
    assert loops and all(a.get("marker-end") == "url(#loop-head)" for a in loops if a.tag == f"{SVG}path")
    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert {d.colour for d in Department.objects.filter(lanes__journey=journey)} <= fills
    lane_names = texts_of(root)
    for department in Department.objects.filter(lanes__journey=journey):
        assert department.name in lane_names


@pytest.mark.django_db
def test_a_wide_board_wraps_into_parts_so_its_text_stays_readable_on_a4_and_a3_landscape():
    journey = load_demo().journey
    columns = svg_context(journey)["board"].layout.column_count
    picture = svg_context(journey)["picture"]
    root = parsed(journey_svg(journey))
    assert picture.parts >= 2 and columns > picture.columns_per_part
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {picture.width} {picture.height}"
    assert 1.2 < width / height < 1.6  # close to a landscape sheet's 1:1.414

    def points_on(sheet_mm: tuple[int, int], pixels: int) -> float:  # a font size in px, printed, in points
        return pixels * min(sheet_mm[0] / width, sheet_mm[1] / height) / 0.3528

    assert points_on((281, 194), 15) >= 6  # card titles on A4 (8 mm margins)
    assert points_on((400, 277), 15) >= 8.5  # and on A3 (10 mm margins)
    assert points_on((281, 194), 14) >= 5.5  # the pain point list on A4
    one_row = picture_for([(column, 0) for column in range(columns)], 5, 7, columns)  # the board unwrapped
    assert picture.scale_on_a_sheet > 1.2 * one_row.scale_on_a_sheet


@pytest.mark.django_db
def test_svg_has_the_date_a_legend_and_every_pain_point_with_its_departments():
    journey = load_demo().journey
    root = parsed(journey_svg(journey))
    text = texts_of(root)
    assert f"Exported on {date_format(timezone.localdate(), 'j M Y')}" in text
    assert "Legend" in text and "repeat contact (loop back)" in text and "card number" in text
    listed = root.findall(f".//{SVG}g[@class='listed-pain-point']")
    assert len(listed) == PainPoint.objects.filter(journey=journey).count()
    for pain_point in PainPoint.objects.filter(journey=journey):
        entry = next(
            g
            for g in listed
            if "".join(g.find(f"{SVG}text[@class='pain-text']").itertext()).startswith(pain_point.text[:40])
        )
        meta = "".join(entry.find(f"{SVG}text[@class='pain-meta']").itertext())
        assert all(d.name in meta for d in pain_point.responsible_departments.all())
        assert pain_point.get_status_display() in meta


@pytest.mark.django_db
def test_a_step_without_open_pain_points_shows_no_zero_flag_only_a_tick_when_all_are_solved():
    department = make_department(name="Contact centre")
    journey = make_journey()
    solved_step = make_step(journey, title="Solved one", department=department)
    make_step(journey, title="No pain here", department=department)
    open_step = make_step(journey, title="Still hurts", department=department)
    solved = make_pain_point(solved_step, [department], text="It was slow")
    PainPoint.objects.filter(pk=solved.pk).update(status=PainPoint.Status.SOLVED)
    make_pain_point(open_step, [department], text="It is slow")
    root = parsed(journey_svg(journey))
    badges = {
        "".join(card.find(f"{SVG}text[@class='card-title']").itertext()): [
            t.text for t in card.iter(f"{SVG}text") if t.get("class") == "badge"
        ]
        for card in root.findall(f".//{SVG}g[@class='card']")
    }
    assert badges == {"Solved one": ["✓"], "No pain here": [], "Still hurts": ["⚑ 1"]}
    assert "⚑ 0" not in journey_svg(journey)


@pytest.mark.django_db
def test_an_empty_journey_and_one_with_lanes_only_still_make_a_picture():
    journey = make_journey(title="Nothing mapped yet")
    assert parsed(journey_svg(journey)).find(f"{SVG}title").text == "Nothing mapped yet"
    make_step(journey, title="The first step", department=make_department(name="Customer"))
    root = parsed(journey_svg(journey))
    assert len(root.findall(f".//{SVG}g[@class='lane']")) == 1 and len(root.findall(f".//{SVG}g[@class='card']")) == 1


@pytest.mark.django_db
def test_svg_speaks_dutch_for_a_dutch_reader():
    journey = load_demo().journey
    with translation.override("nl"):
        text = texts_of(parsed(journey_svg(journey)))
    assert "Geëxporteerd op" in text and "Legenda" in text and "Pijnpunten" in text and "herhaalcontact" in text


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
    assert "<b>Sales" in texts  # the lane name, wrapped
    card_title = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "card-title")
    assert "".join(card_title.itertext()).startswith('<script>alert("x")</scri')  # wrapped, as text


def test_long_titles_wrap_into_three_lines_at_most():
    lines = wrap_title("Recalculates the home-insurance premium for the new postcode and sends a letter about it")
    assert 1 < len(lines) <= 3
    assert all(len(line) <= 21 for line in lines)
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
