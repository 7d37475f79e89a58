"""@mentions: `@username` in a comment names a member of the journey. Usernames may hold letters, digits and
. + - _ (Django's rules, without @); a full stop right after the name ends the sentence, not the name."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MENTION = re.compile(r"(?<![\w@.+-])@([\w][\w.+-]*)")


def mentioned_usernames(text: str) -> list[str]:
    """The names after each @, in order, without repeats (case-insensitively)."""
    seen: dict[str, str] = {}
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".")
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def mentioned_members(journey_id: int, text: str) -> list[Any]:
    """The journey's members named in `text`; a name that is nobody on the journey tells nobody."""
    names = {name.lower() for name in mentioned_usernames(text)}
    if not names:
        return []
    members = get_user_model().objects.filter(memberships__journey_id=journey_id, is_active=True)
    return [user for user in members.order_by("pk") if user.username.lower() in names]


def highlighted(text: str) -> SafeString:
    """The text, escaped, with each @mention marked (for the eye: it links nowhere)."""

    def mark(match: re.Match) -> str:
        name = match.group(1).rstrip(".")
        rest = match.group(1)[len(name) :]
        return f'<span class="mention">@{name}</span>{rest}'

    return mark_safe(MENTION.sub(mark, escape(text or "")))  # noqa: S308  (escaped above; only our span is added)
