"""Input rules every form of ours shares."""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from journeys.models import Department, PainPoint
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


def pain_point_text_field() -> forms.CharField:
    """What a pain point says, in the few words the board and the triage queue ask for."""
    return forms.CharField(
        label=_("Pain point"),
        max_length=PainPoint._meta.get_field("text").max_length,
        error_messages={"required": _("Describe the pain point in a few words.")},
    )


NO_SUCH_DEPARTMENT = _("That department does not exist.")


def responsible_departments_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Department.objects.all(),
        label=_("Responsible departments"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Name at least one responsible department."),
            "invalid_choice": NO_SUCH_DEPARTMENT,
            "invalid_pk_value": NO_SUCH_DEPARTMENT,
        },
    )


def severity_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Severity"), choices=PainPoint.Severity.choices, initial="medium")
