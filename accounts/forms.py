from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What uses it, e.g. “Jira sync”."),
        error_messages={"required": _("Give the token a name, e.g. the system that uses it.")},
    )
