from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from journeys.models import Department, Journey, PainPoint, Step

NOT_ON_THIS_JOURNEY = _("That step is not on this journey.")
NO_SUCH_DEPARTMENT = _("That department does not exist.")


class VersionedForm(forms.Form):
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


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


class StepCreateForm(StepFieldsForm):
    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"] = department_field(_("Lane"))
        self.fields["after"] = journey_step_field(journey, _("Place after"), required=False)
        self.fields["before"] = journey_step_field(journey, _("Place before"), required=False)
        self.fields["before"].widget = forms.HiddenInput()


class StepMoveForm(VersionedForm):
    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"] = department_field(_("Lane"))
        self.fields["after"] = journey_step_field(journey, _("Place after"), required=False)
        self.fields["before"] = journey_step_field(journey, _("Place before"), required=False)
        self.fields["after"].empty_label = _("(keep its place)")
        self.fields["before"].widget = forms.HiddenInput()


class HandoffForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=80, required=False)

    def __init__(self, *args, journey: Journey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_step"] = journey_step_field(journey, _("Hand off to"), required=True)


class HandoffLabelForm(VersionedForm):
    label = forms.CharField(label=_("Label"), max_length=80, required=False)


class PainPointForm(VersionedForm):
    text = forms.CharField(
        label=_("Pain point"),
        max_length=300,
        error_messages={"required": _("Describe the pain point in a few words.")},
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=PainPoint.Severity.choices, initial="medium")
    responsible_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.all(),
        label=_("Responsible departments"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Name at least one responsible department."),
            "invalid_choice": NO_SUCH_DEPARTMENT,
            "invalid_pk_value": NO_SUCH_DEPARTMENT,
        },
    )


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
