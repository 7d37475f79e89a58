from __future__ import annotations

from django import template

from notifications.models import Notification
from notifications.wording import describe

register = template.Library()


@register.filter
def sentence(notification: Notification) -> str:
    return describe(notification)
