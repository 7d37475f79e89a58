"""Flow figures as workshop staff say them: "2 d 4 h", "1 h 30 min", "25 %"."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from boards.templatetags.board_format import MINUTES_PER_DAY, MINUTES_PER_HOUR

register = template.Library()


@register.filter
def span(minutes: float | None) -> str:
    """A time in at most two units, rounded: 3 d 2 h, 5 h 20 min, 12 min; an average under a minute is "< 1 min"."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    if whole == 0 and minutes > 0:
        return _("< 1 min")
    days, rest = divmod(whole, MINUTES_PER_DAY)
    hours, mins = divmod(rest, MINUTES_PER_HOUR)
    if days:
        hours = round(rest / MINUTES_PER_HOUR)
        days, hours = (days + 1, 0) if hours == 24 else (days, hours)
        parts = [_("%(n)d d") % {"n": days}] + ([_("%(n)d h") % {"n": hours}] if hours else [])
    elif hours:
        parts = [_("%(n)d h") % {"n": hours}] + ([_("%(n)d min") % {"n": mins}] if mins else [])
    else:
        parts = [_("%(n)d min") % {"n": mins}]
    return " ".join(parts)


@register.filter
def percent(fraction: float | None, decimals: int = 0) -> str:
    """0.254 -> "25%", with the language's decimal mark when asked for decimals (12,5%)."""
    if fraction is None:
        return "–"
    return f"{number_format(round(100 * fraction, decimals), decimals)}%"


@register.filter
def number(value: float | None, decimals: int = 2) -> str:
    return "–" if value is None else number_format(round(value, decimals), decimals)


@register.filter
def span_abs(minutes: float | None) -> str:
    return span(None if minutes is None else abs(minutes))
