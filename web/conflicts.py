"""The conflict notice: what a stale edit tried, next to what is on the board now, in the page's language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from journeys.errors import StaleEdit


def render_conflict(stale: StaleEdit) -> str:
    current = stale.current
    rows = [
        (_field_label(current, name), _current_value(current, name), _shown(current, name, yours))
        for name, yours in stale.attempted.items()
    ]
    return render_to_string(
        "web/conflict.html",
        {"current": current, "rows": rows, "kind": current._meta.model_name},
    )


def _field_label(row: Any, name: str) -> str:
    if name == "departments":
        return str(_("Responsible departments"))
    if name == "deleted":
        return str(_("Delete"))
    if name == "after":  # a move
        return str(_("Place after"))
    try:
        return str(row._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:  # e.g. "after" of a move
        return name.replace("_", " ").capitalize()


def _current_value(row: Any, name: str) -> Any:
    if name == "departments":
        return ", ".join(d.name for d in row.responsible_departments.all())
    if name == "deleted":
        return _("still there")
    return _shown(row, name, getattr(row, name, ""))


def _shown(row: Any, name: str, value: Any) -> str:
    """A value as the board shows it: a choice by its label in the page's language ("e-mail", "hoog"), not as stored."""
    if value is None:
        return ""
    try:
        choices = dict(row._meta.get_field(name).flatchoices)
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(value, value))
