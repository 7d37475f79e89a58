from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import REPORT_MAX_LENGTH
from journeys.models import PainPoint, Step
from web.forms import pain_point_text_field, responsible_departments_field, severity_field

STEP_NOT_LISTED = _("Choose one of the steps in the list.")


class ReportForm(forms.Form):
    """What a colleague (or, with `public`, anyone) reports. The public form adds a honeypot: a field people never see
    (hidden by the page's CSS and from screen readers) that form-filling robots fill in."""

    text = forms.CharField(
        label=_("What goes wrong for the customer?"),
        max_length=REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what goes wrong for the customer.")},
    )
    step = forms.ModelChoiceField(
        label=_("Where in the process?"),
        queryset=Step.objects.none(),
        required=False,
        empty_label=_("I don't know"),
        error_messages={"invalid_choice": STEP_NOT_LISTED},
    )

    def __init__(self, *args: Any, steps: Any, public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = steps
        if public:
            self.fields["reporter_name"] = forms.CharField(
                label=_("Your name (optional)"), max_length=100, required=False
            )
            self.fields["email"] = forms.EmailField(
                label=_("Your e-mail address (optional)"),
                required=False,
                help_text=_("Only to tell you what happened to your report."),
                widget=forms.EmailInput(attrs={"aria-describedby": "email-help"}),
                error_messages={"invalid": _("This is not an e-mail address. Leave it empty if you like.")},
            )
            self.fields["website"] = forms.CharField(
                label=_("Leave this empty"),
                required=False,
                widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
            )


class VersionedReportForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcceptForm(VersionedReportForm):
    step = forms.ModelChoiceField(
        label=_("Step"), queryset=Step.objects.none(), error_messages={"required": _("Choose the step.")}
    )
    text = pain_point_text_field()
    severity = severity_field()
    departments = responsible_departments_field()

    def __init__(self, *args: Any, journey: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = Step.objects.filter(journey=journey)
        self.fields["step"].error_messages["invalid_choice"] = _("Choose the step.")


class MergeForm(VersionedReportForm):
    pain_point = forms.ModelChoiceField(
        label=_("Known pain point"),
        queryset=PainPoint.objects.none(),
        error_messages={
            "required": _("Choose the pain point it adds to."),
            "invalid_choice": _("Choose a pain point of this journey."),
        },
    )

    def __init__(self, *args: Any, journey: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pain_point"].queryset = PainPoint.objects.filter(journey=journey).select_related("step")
        self.fields["pain_point"].label_from_instance = lambda p: f"{p.step.title}: {p.text}"


class DismissForm(VersionedReportForm):
    reason = forms.CharField(
        label=_("Why dismiss it? The reporter reads this."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason: the reporter reads it.")},
    )


class IntakeSettingsForm(forms.Form):
    public_enabled = forms.BooleanField(label=_("Open the public form"), required=False)
    public_steps = forms.ModelMultipleChoiceField(
        label=_("Steps the public form shows"),
        queryset=Step.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose steps of this journey.")},
    )
    renew_links = forms.BooleanField(label=_("Make new links (the old ones stop working)"), required=False)

    def __init__(self, *args: Any, journey: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["public_steps"].queryset = Step.objects.filter(journey=journey)
