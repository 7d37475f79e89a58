"""Input rules every form of ours shares."""

from __future__ import annotations

from typing import TypeVar

from django import forms

from journeys.text import refuse_control_characters

FormT = TypeVar("FormT", bound=forms.Form)


def text_only(form: FormT) -> FormT:
    """Every text field of `form` refuses control characters (Django's own fields refuse only NUL)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and refuse_control_characters not in field.validators:
            field.validators.append(refuse_control_characters)
    return form
