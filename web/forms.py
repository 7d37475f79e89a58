"""Input rules every form of ours shares."""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.utils.functional import Promise

from journeys.text import refuse_control_characters

FormT = TypeVar("FormT", bound=forms.Form)


def text_only(form: FormT) -> FormT:
    """Every text field of `form` refuses control characters (Django's own fields refuse only NUL)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and refuse_control_characters not in field.validators:
            field.validators.append(refuse_control_characters)
    return form


Text = str | Promise


def chosen_from_own(label: Text, empty_label: Text, not_offered: Text) -> forms.ModelChoiceField:
    """An optional choice among the rows the user may pick (the form sets the queryset per user); any other value is
    refused with `not_offered`."""
    return forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=label,
        empty_label=empty_label,
        error_messages={"invalid_choice": not_offered},
    )
