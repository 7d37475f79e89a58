from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from web.forms import chosen_from_own
from webhooks import selectors
from webhooks.registry import EVENT_TYPES


class SubscriptionForm(forms.Form):
    journey = chosen_from_own(_("For the journey"), "—", _("You are not the facilitator of that journey."))
    department = chosen_from_own(
        _("Or for every pain point of the department"), "—", _("Only managers can choose a department.")
    )
    url = forms.URLField(label=_("Address (URL)"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"), choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journey"].queryset = selectors.journeys_to_subscribe(user).order_by("title")
        self.fields["department"].queryset = selectors.departments_to_subscribe(user)
        self.fields["event_types"].choices = list(EVENT_TYPES.items())
        self.initial.setdefault("event_types", list(EVENT_TYPES))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("journey")) == bool(data.get("department")):
            self.add_error("journey", _("Choose a journey or a department (one of them)."))
        return data
