from __future__ import annotations

from typing import Self

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from journeys.models import MAX_WAIT_MINUTES, Department, Handoff, Journey, LaneRole, Step
from journeys.services import RouteFigures
from web.forms import NO_SUCH_DEPARTMENT, pain_point_text_field, responsible_departments_field, severity_field

NOT_ON_THIS_JOURNEY = _("That step is not on this journey.")


class VersionedForm(forms.Form):
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    @classmethod
    def editing(cls, row: models.Model) -> Self:
        """The form as an edit of `row` starts: its current values, and its version for the edit to be based on."""
        return cls(initial={**model_to_dict(row, fields=list(cls.base_fields)), "base_version": row.version})


class JourneyForm(forms.Form):
    title = forms.CharField(label=_("Customer question"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False, widget=forms.Textarea)


class StepFieldsForm(VersionedForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Give the step a title.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *Step.Channel.choices], required=False)
    # Rendered as a text field (inputmode numeric), not type=number: for text it cannot read, such as "12e", a number
    # field sends an empty value and the step would lose its duration without a word. Here the text arrives as typed.
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=0,
        max_value=100000,
        required=False,
        error_messages={"invalid": _("Enter the duration as a whole number of minutes, e.g. 15.")},
    )


def department_field(label: str, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Department.objects.all(),
        required=required,
        label=label,
        empty_label=_("No department yet"),
        error_messages={"invalid_choice": NO_SUCH_DEPARTMENT},
    )


def journey_step_field(journey: Journey, label: str, required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Step.objects.filter(journey=journey),
        required=required,
        label=label,
        empty_label=_("(at the end)") if not required else "—",
        error_messages={
            "invalid_choice": NOT_ON_THIS_JOURNEY,
            "required": _("Choose a step."),
        },
    )


def add_place_fields(form: forms.Form, journey: Journey) -> None:
    """Where a step goes: its lane and the step it comes after (or before, which a drop on the board sets)."""
    form.fields["department"] = department_field(_("Lane"))
    form.fields["after"] = journey_step_field(journey, _("Place after"), required=False)
    form.fields["before"] = journey_step_field(journey, _("Place before"), required=False)
    form.fields["before"].widget = forms.HiddenInput()


class StepCreateForm(StepFieldsForm):
    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        add_place_fields(self, journey)


class StepMoveForm(VersionedForm):
    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        add_place_fields(self, journey)
        self.fields["after"].empty_label = _("(keep its place)")


class HandoffForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=80, required=False)

    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_step"] = journey_step_field(journey, _("Hand off to"), required=True)


class HandoffLabelForm(VersionedForm):
    label = forms.CharField(label=_("Label"), max_length=80, required=False)


class PainPointForm(VersionedForm):
    text = pain_point_text_field()
    severity = severity_field()
    responsible_departments = responsible_departments_field()


class LaneForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        label=_("Department"),
        error_messages={"invalid_choice": NO_SUCH_DEPARTMENT},
    )

    def __init__(self, *args, departments: QuerySet[Department] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:  # offer only these (the page offers departments without a lane yet)
            self.fields["department"].queryset = departments


class LaneMoveForm(LaneForm):
    offset = forms.TypedChoiceField(choices=[("-1", "up"), ("1", "down")], coerce=int)


class LaneRoleForm(LaneForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "—"), *LaneRole.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose customer, frontstage, backstage or support.")},
    )


# The routes out of a step: waiting time, share of cases, % complete and accurate -----------------------------------

MINUTES_PER = {"minutes": 1, "hours": 60, "days": 24 * 60}
WAIT_UNITS = [("minutes", _("minutes")), ("hours", _("hours")), ("days", _("days"))]


def wait_unit_for(minutes: int | None) -> str:
    """The largest unit the stored minutes are a whole number of: 2880 shows as 2 days, 90 as 90 minutes."""
    for unit in ("days", "hours"):
        if minutes and minutes % MINUTES_PER[unit] == 0:
            return unit
    return "minutes"


class PercentField(forms.IntegerField):
    """A whole percentage; "70 %" and "70%" read as 70."""

    def __init__(self, **kwargs) -> None:
        message = _("Enter a whole percentage from 0 to 100, e.g. 70.")
        errors = {"invalid": message, "min_value": message, "max_value": message}
        super().__init__(min_value=0, max_value=100, required=False, error_messages=errors, **kwargs)

    def to_python(self, value):
        return super().to_python(value.replace("%", "").strip() if isinstance(value, str) else value)


class WaitField(forms.CharField):
    """A waiting time as typed, in the unit chosen next to it: a number, decimals with a comma or a point."""

    def to_python(self, value):
        text = super().to_python(value).replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError as error:
            raise forms.ValidationError(_("Enter the waiting time as a number, e.g. 2 or 1,5.")) from error
        if not 0 <= number < float("inf"):
            raise forms.ValidationError(_("Enter the waiting time as a number, e.g. 2 or 1,5."))
        return number


class StepRoutesForm(forms.Form):
    """One row of fields per route (outgoing hand-off) of a step: `wait_<id>`, `unit_<id>`, `share_<id>` (only when
    there are several routes), `ca_<id>` and `version_<id>`."""

    def __init__(self, *args, handoffs: list[Handoff], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.several = len(handoffs) > 1
        # A posted form holds the routes the editor showed: one added meanwhile is left as it is, one removed is named.
        posted = {int(key[8:]) for key in self.data if key.startswith("version_") and key[8:].isdigit()}
        self.handoffs = [h for h in handoffs if h.pk in posted] if self.is_bound else handoffs
        self.removed = posted - {h.pk for h in handoffs}
        for handoff in self.handoffs:
            pk = handoff.pk
            self.fields[f"wait_{pk}"] = WaitField(label=_("Waiting before it starts"), required=False)
            self.fields[f"unit_{pk}"] = forms.ChoiceField(label=_("Unit"), choices=WAIT_UNITS, initial="minutes")
            if self.several:
                self.fields[f"share_{pk}"] = PercentField(label=_("Share of cases (%)"))
            self.fields[f"ca_{pk}"] = PercentField(label=_("Complete and accurate (%)"))
            self.fields[f"version_{pk}"] = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    @classmethod
    def for_handoffs(cls, handoffs: list[Handoff]) -> StepRoutesForm:
        initial = {}
        for handoff in handoffs:
            unit = wait_unit_for(handoff.wait_minutes)
            wait = None if handoff.wait_minutes is None else handoff.wait_minutes // MINUTES_PER[unit]
            initial |= {
                f"wait_{handoff.pk}": wait,
                f"unit_{handoff.pk}": unit,
                f"share_{handoff.pk}": handoff.share_percent,
                f"ca_{handoff.pk}": handoff.complete_accurate_percent,
                f"version_{handoff.pk}": handoff.version,
            }
        return cls(initial=initial, handoffs=handoffs)

    def clean(self) -> dict:
        data = super().clean()
        if self.removed:
            raise forms.ValidationError(
                _("A route of this step was removed meanwhile. Open the step again to see its routes now.")
            )
        for handoff in self.handoffs:
            wait, unit = data.get(f"wait_{handoff.pk}"), data.get(f"unit_{handoff.pk}")
            if wait is None or unit is None:
                continue
            minutes = round(wait * MINUTES_PER[unit])
            if minutes > MAX_WAIT_MINUTES:
                self.add_error(f"wait_{handoff.pk}", _("A waiting time of more than 365 days is surely a typo."))
            data[f"minutes_{handoff.pk}"] = minutes
        return data

    def routes(self) -> list[RouteFigures]:
        data = self.cleaned_data
        return [
            RouteFigures(
                handoff_id=h.pk,
                wait_minutes=data.get(f"minutes_{h.pk}"),
                share_percent=data.get(f"share_{h.pk}"),
                complete_accurate_percent=data.get(f"ca_{h.pk}"),
                base_version=data.get(f"version_{h.pk}"),
            )
            for h in self.handoffs
        ]

    def rows(self) -> list[dict]:
        """Per route: the hand-off and its bound fields, for the template."""
        return [
            {
                "handoff": h,
                **{name: self[f"{name}_{h.pk}"] for name in ("wait", "unit", "ca", "version")},
                "share": self[f"share_{h.pk}"] if self.several else None,
            }
            for h in self.handoffs
        ]
