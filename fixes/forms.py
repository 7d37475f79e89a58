from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fixes.models import Fix
from journeys.models import PainPoint


class FixForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Give the fix a title.")})
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("me"))
    state = forms.ChoiceField(label=_("State"), choices=Fix.State.choices, initial=Fix.State.PLANNED)
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("What changes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class LinkForm(forms.Form):
    pain_point = forms.ModelChoiceField(
        label=_("Pain point"),
        queryset=PainPoint.objects.none(),
        error_messages={
            "required": _("Choose a pain point."),
            "invalid_choice": _("Choose an open pain point on one of your journeys."),
        },
    )

    def __init__(self, *args: Any, pain_points: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pain_point"].queryset = pain_points
        self.fields["pain_point"].label_from_instance = lambda p: f"{p.journey.title} › {p.step.title}: {p.text}"


class VersionedForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EmptyForm(forms.Form):
    pass
