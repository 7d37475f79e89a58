from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from comments.mentions import highlighted

register = template.Library()


@register.filter
def with_mentions(text: str) -> SafeString:
    return highlighted(text)
