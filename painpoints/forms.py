from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from boards.forms import VersionedForm
from journeys.models import PainPoint
from painpoints import selectors as pp_selectors
from web.forms import chosen_from_own

TEXT = {"max_length": 2000, "required": False}


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), **TEXT)


class HandOverForm(VersionedForm):
    to_user = forms.IntegerField(
        label=_("Hand over to"), required=False, error_messages={"invalid": _("Choose a colleague from the list.")}
    )


class PlanFixForm(VersionedForm):
    fix_description = forms.CharField(label=_("What changes"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT)
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the target date as a date, like 2026-12-31.")},
    )


class SolveForm(VersionedForm):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}), **TEXT)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), **TEXT)


STATE_CHOICES = [
    ("", _("Any state")),
    (pp_selectors.STATE_ACTIVE, _("Not closed (open or in progress)")),
    (pp_selectors.STATE_OVERDUE, _("Overdue")),
    *PainPoint.Status.choices,
]
SORT_CHOICES = [
    ("severity", _("Severity, then oldest")),
    ("oldest", _("Oldest first")),
    ("newest", _("Newest first")),
]


class OwnerFilterForm(forms.Form):
    """The filters of the owners' list; a value the user may not use is refused with a message."""

    journey = chosen_from_own(_("Journey"), _("All my journeys"), _("That journey is not one of yours."))
    department = chosen_from_own(
        _("Department"), _("All my departments"), _("You are not a member of that department.")
    )
    severity = forms.ChoiceField(
        choices=[("", _("Any severity")), *PainPoint.Severity.choices], required=False, label=_("Severity")
    )
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False, label=_("State"))
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label=_("Sort by"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journey"].queryset = pp_selectors.journeys_in_scope(user).order_by("title")
        self.fields["department"].queryset = pp_selectors.departments_of(user)

    def filters(self) -> pp_selectors.OwnerFilters:
        """The valid filters; a field with an error is left out (its message is shown)."""
        if not self.is_bound:
            return pp_selectors.OwnerFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return pp_selectors.OwnerFilters(
            journey_id=data["journey"].pk if data.get("journey") else None,
            department_id=data["department"].pk if data.get("department") else None,
            severity=data.get("severity") or "",
            state=data.get("state") or "",
            sort=data.get("sort") or "severity",
        )
