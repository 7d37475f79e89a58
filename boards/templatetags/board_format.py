"""Small formatting filters for the board: numbers as workshop staff say them."""

from __future__ import annotations

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
