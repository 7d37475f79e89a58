from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StepCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
