"""The invite link as a QR code, so participants join from their phones by pointing the camera at the projector."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, title: str) -> SafeString:
    """An inline SVG that scales to its box (a viewBox, no fixed size); medium error correction survives a
    projector's glare. segno escapes the title; the rest is numbers."""
    code = segno.make(text, error="m")
    return mark_safe(code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-code", lineclass=None, title=title))  # noqa: S308
