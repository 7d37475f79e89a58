from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, PainPoint, Step
from workshops.models import Indicator


class IndicatorForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Indicator"), choices=Indicator.choices, error_messages={"invalid_choice": _("Choose CSAT or NPS.")}
    )


class ScoreForm(forms.Form):
    measured_on = forms.DateField(
        label=_("Measured on"),
        error_messages={
            "required": _("Give the date of the measurement."),
            "invalid": _("Use a date like 2026-11-23."),
        },
    )
    value = forms.DecimalField(
        label=_("Score"),
        max_digits=5,
        decimal_places=1,
        error_messages={"required": _("Give the score."), "invalid": _("The score is a number, like 72 or -15.")},
    )
    responses = forms.IntegerField(label=_("Responses"), min_value=0, required=False)


class VotingStartForm(forms.Form):
    dots_per_participant = forms.IntegerField(
        label=_("Dots each"),
        error_messages={"required": _("Say how many dots each participant gets."), "invalid": _("Use a whole number.")},
    )


class TalliesForm(forms.Form):
    visible = forms.BooleanField(required=False)


class PainPointVoteForm(forms.Form):
    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pain_point"] = forms.ModelChoiceField(
            queryset=PainPoint.objects.filter(journey=journey),
            error_messages={
                "required": _("Choose a pain point."),
                "invalid_choice": _("That pain point is not on this journey."),
            },
        )


class TimerForm(forms.Form):
    minutes = forms.DecimalField(
        label=_("Minutes"),
        required=False,
        max_digits=6,
        decimal_places=2,
        error_messages={"invalid": _("Give the minutes as a number, like 5 or 2.5.")},
    )

    def duration_seconds(self) -> int | None:
        minutes: Decimal | None = self.cleaned_data.get("minutes")
        return None if minutes is None else int(round(minutes * 60))


class FocusForm(forms.Form):
    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"] = forms.ModelChoiceField(
            queryset=Step.objects.filter(journey=journey),
            required=False,  # no step: stop presenting
            error_messages={"invalid_choice": _("That step is not on this journey."), "required": _("Choose a step.")},
        )
