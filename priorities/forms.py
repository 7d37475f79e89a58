from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]


class ScoreForm(forms.Form):
    customer_value = forms.TypedChoiceField(
        label=_("Customer value"), choices=CHOICES, coerce=int, empty_value=None, required=False
    )
    business_value = forms.TypedChoiceField(
        label=_("Business value"), choices=CHOICES, coerce=int, empty_value=None, required=False
    )
    effort = forms.TypedChoiceField(label=_("Effort"), choices=CHOICES, coerce=int, empty_value=None, required=False)
