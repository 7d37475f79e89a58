from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from journeys.mirror import MAX_RESPONSES
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


class ScoreField(forms.DecimalField):
    """A mean score as people type it: 7.5 or 7,5 (Dutch spreadsheets and keyboards write a decimal comma)."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


def _cell(inputmode: str, size: int, name: str) -> forms.TextInput:
    """A number in a table cell: the row's step is in its accessible name, the keyboard a phone offers fits it."""
    return forms.TextInput(attrs={"inputmode": inputmode, "size": size, "autocomplete": "off", "aria-label": name})


class CustomerScoresForm(forms.Form):
    """The customer scores of several steps at once: a score and a number of responses per row, the journey as a
    whole first. A row left empty stays as it is; a row needs both."""

    def __init__(self, *args, steps: list[Step], stored: dict[int | None, Any], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, forms.BoundField, forms.BoundField]] = []
        for key, label in [(None, _("The journey as a whole")), *((step.pk, step.title) for step in steps)]:
            suffix = "journey" if key is None else str(key)
            saved = stored.get(key)
            score_name = _("Customer score for %(step)s") % {"step": label}
            self.fields[f"score-{suffix}"] = ScoreField(
                required=False, min_value=1, max_value=10, decimal_places=2, widget=_cell("decimal", 5, score_name)
            )
            responses_name = _("Responses for %(step)s") % {"step": label}
            self.fields[f"responses-{suffix}"] = forms.IntegerField(
                required=False, min_value=1, max_value=MAX_RESPONSES, widget=_cell("numeric", 7, responses_name)
            )
            if saved:
                self.initial |= {f"score-{suffix}": saved.score, f"responses-{suffix}": saved.responses}
            self.rows.append((label, self[f"score-{suffix}"], self[f"responses-{suffix}"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for suffix in self._suffixes():
            score, responses = data.get(f"score-{suffix}"), data.get(f"responses-{suffix}")
            if score is not None and responses is None and f"responses-{suffix}" not in self.errors:
                self.add_error(f"responses-{suffix}", _("Give the number of responses too."))
            if responses is not None and score is None and f"score-{suffix}" not in self.errors:
                self.add_error(f"score-{suffix}", _("Give the score too."))
        if not self.errors and not self.scores():
            raise forms.ValidationError(_("Fill in at least one customer score."))
        return data

    def scores(self) -> list[tuple[int | None, Decimal, int]]:
        rows = []
        for suffix in self._suffixes():
            score, responses = self.cleaned_data.get(f"score-{suffix}"), self.cleaned_data.get(f"responses-{suffix}")
            if score is not None and responses is not None:
                rows.append((None if suffix == "journey" else int(suffix), score, responses))
        return rows

    def _suffixes(self) -> list[str]:
        return [name.removeprefix("score-") for name in self.fields if name.startswith("score-")]


class CustomerScoreImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file with the columns step, score, responses"))
