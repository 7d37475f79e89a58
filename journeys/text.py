"""What counts as text people may type: no control characters (NUL and the rest of C0 and C1, but tab and line
breaks), no lone surrogates, no Unicode non-characters. They are never typed on purpose, some databases refuse them,
and an SVG (XML) export holding one is no longer a valid file."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")

NOT_TEXT_MESSAGE = _("This text holds an invisible control character; type or paste it again without it.")


def is_text(value: str) -> bool:
    return NOT_TEXT.search(value) is None


def refuse_control_characters(value: object) -> None:
    """A form field validator."""
    if isinstance(value, str) and not is_text(value):
        raise ValidationError(NOT_TEXT_MESSAGE, code="control_character")


def required_text(value: str | None, field: str, missing: str, *, limit: int = 0, too_long: str = "") -> str:
    """What a service keeps of typed text: without the white space around it; refused, for `field`, with `missing`
    when nothing is left, or with `too_long` when over `limit` characters (no limit: 0)."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: missing})
    if limit and len(value) > limit:
        raise ValidationError({field: too_long})
    return value


MARKUP = re.compile("[<>]")


def refuse_markup(value: object) -> None:
    """A form field validator for names shown everywhere (departments): no tags, not even harmless ones."""
    if isinstance(value, str) and MARKUP.search(value):
        raise ValidationError(_("A name cannot hold < or >."), code="markup")


def capped(problems: list[str], shown: int = 50) -> list[str]:
    """The first `shown` problems and a line saying how many more: a file with 100,000 bad rows must not answer with
    a page of megabytes."""
    if len(problems) <= shown:
        return problems
    more = len(problems) - shown
    return [
        *problems[:shown],
        ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", more) % {"count": more},
    ]
