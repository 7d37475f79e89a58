from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery, DigestFrequency, Kind
from notifications.preferences import Preferences


def kind_field(kind: str) -> str:
    return f"kind_{kind}"


class PreferencesForm(forms.Form):
    """One choice per kind of notification (in the app, by e-mail at once, in the digest, not at all), the digest's
    rhythm, e-mail on or off, and the language e-mails are written in."""

    digest = forms.ChoiceField(label=_("Digest"), choices=DigestFrequency.choices)
    email_enabled = forms.BooleanField(label=_("Send me e-mail (at once and the digest)"), required=False)
    language = forms.ChoiceField(
        label=_("Language of e-mails"),
        choices=[("", _("The language I use the site in")), *settings.LANGUAGES],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind_field(kind)] = forms.ChoiceField(label=label, choices=Delivery.choices)

    @classmethod
    def for_preferences(cls, preferences: Preferences) -> PreferencesForm:
        initial = {
            "digest": preferences.digest,
            "email_enabled": preferences.email_enabled,
            "language": preferences.chosen_language,
            **{kind_field(kind): preferences.delivery(kind) for kind in Kind.values},
        }
        return cls(initial=initial)

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[kind_field(kind)] for kind in Kind.values]

    def deliveries(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind_field(kind)] for kind in Kind.values}
