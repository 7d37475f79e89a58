"""Small formatting filters for the board: numbers as workshop staff say them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR


@register.filter
def duration(minutes: int | None) -> str:
    """15 -> "15 min", 90 -> "1 h 30 min", 1440 -> "1 day", 2880 -> "2 days"."""
    if minutes is None:
        return ""
    if minutes >= MINUTES_PER_DAY and minutes % MINUTES_PER_DAY == 0:
        days = minutes // MINUTES_PER_DAY
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes >= MINUTES_PER_HOUR:
        hours, rest = divmod(minutes, MINUTES_PER_HOUR)
        if rest == 0 or hours >= 24:
            return _("%(hours)d h") % {"hours": round(minutes / MINUTES_PER_HOUR)}
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def is_chosen(value: Any, chosen: Any) -> bool:
    """Whether a choice's value is among a field's values (ids as numbers, strings or model instances): "1" is not
    chosen by [13], as a substring test would have it."""
    if value in (None, ""):
        return False
    values = chosen if isinstance(chosen, list | tuple | set) else [chosen]
    return str(value) in {str(getattr(item, "pk", item)) for item in values if item not in (None, "")}
