from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, Step


class VersionNameForm(forms.Form):
    name = forms.CharField(label=_("Version name"), max_length=80)


class PainPointAnswerForm(forms.Form):
    def __init__(self, *args, answering: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"] = forms.ModelChoiceField(
            queryset=Step.objects.filter(journey=answering).order_by("position", "id"),
            required=False,
            label=_("Answered by"),
            empty_label=_("(not answered yet)"),
            error_messages={"invalid_choice": _("That step is not in the version compared with.")},
        )
