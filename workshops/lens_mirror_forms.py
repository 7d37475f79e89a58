from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, Step

SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 11)]


class LensAnswerForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The version of the answer the editor saw; 0 when it was unanswered.
    base_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class MirrorEstimatesForm(forms.Form):
    """One score field per step plus one for the journey as a whole; empty withdraws an estimate."""

    def __init__(self, *args, steps: list[Step], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journey"] = forms.TypedChoiceField(
            label=_("The journey as a whole"), choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False
        )
        for step in steps:
            self.fields[f"step-{step.pk}"] = forms.TypedChoiceField(
                label=step.title, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False
            )

    def scores(self) -> dict[int | None, int | None]:
        return {
            (None if name == "journey" else int(name.removeprefix("step-"))): value
            for name, value in self.cleaned_data.items()
        }


class CustomerScoreForm(forms.Form):
    score = forms.DecimalField(label=_("Customer score (1-10)"), min_value=1, max_value=10, decimal_places=2)
    responses = forms.IntegerField(label=_("Responses"), min_value=1, max_value=10_000_000)

    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"] = forms.ModelChoiceField(
            queryset=Step.objects.filter(journey=journey),
            required=False,
            label=_("Step"),
            empty_label=_("The journey as a whole"),
            error_messages={"invalid_choice": _("That step is not on this journey.")},
        )
        self.order_fields(["step", "score", "responses"])


class CustomerScoreImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file with the columns step, score, responses"))
