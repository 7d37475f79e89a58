"""Export a journey (JSON, SVG), import one from a file, copy one as a template."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from exchange import services as exchange
from journeys.models import Department
from journeys.permissions import may_create_departments
from web.changes import member_journey
from web.downloads import download_name
from web.forms import text_only
from web.ratelimit import limits_new_journeys

# Imports and copies running at once in this process (JOURNEY_IMPORTS_AT_ONCE): each is a second or two of CPU that
# every other page of the process would share; more wait their turn, for a while.
_import_slots = threading.BoundedSemaphore(settings.JOURNEY_IMPORTS_AT_ONCE)
IMPORT_WAIT_SECONDS = 30


@contextmanager
def one_import_at_a_time() -> Iterator[None]:
    if not _import_slots.acquire(timeout=IMPORT_WAIT_SECONDS):
        raise ValidationError(_("Other imports are running. Try again in a minute."))
    try:
        yield
    finally:
        _import_slots.release()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Journey file (.json)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > exchange.max_import_bytes():
            # Refuse before reading it into memory.
            raise ValidationError(
                _("The file is %(size)s KB; the limit is %(limit)s KB.")
                % {"size": upload.size // 1024, "limit": exchange.max_import_bytes() // 1024}
            )
        return upload


class DepartmentChoiceForm(forms.Form):
    """For each department of the file that matches none here, a choice among the organisation's (an administrator
    may also have it created). Fields are named after the name, not its place: the list may change meanwhile."""

    def __init__(self, *args: object, names: list[str], may_create: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.departments = {str(d.pk): d for d in Department.objects.order_by("name")}
        existing = [(pk, d.name) for pk, d in self.departments.items()]
        self.names = {self.field_name(name): name for name in names}
        for field_name, name in self.names.items():
            extra = [(exchange.CREATE_NEW, _("Add it as a new department"))] if may_create else []
            self.fields[field_name] = forms.ChoiceField(
                label=name,
                choices=[("", _("Choose a department…")), *existing, *extra],
                error_messages={
                    "required": _("Choose a department for this one."),
                    "invalid_choice": _("Choose one of the departments in the list."),
                },
            )

    @staticmethod
    def field_name(name: str) -> str:
        return "department-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def chosen(self) -> dict[str, exchange.DepartmentChoice]:
        return {
            name: self.departments.get(self.cleaned_data[field_name], exchange.CREATE_NEW)
            for field_name, name in self.names.items()
        }


class CopyForm(forms.Form):
    title = forms.CharField(label=_("Customer question of the copy"), max_length=200)
    include_pain_points = forms.BooleanField(
        label=_("Copy the pain points too, as new open ones (their fixes stay with this journey)"), required=False
    )


@login_required
@require_GET
def journey_export(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    body = json.dumps(exchange.journey_export(journey), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{download_name(journey, "json")}"'
    return response


# The session key of an upload waiting for the importer to choose departments: the file's text (at most
# JOURNEY_IMPORT_MAX_BYTES), in the session so that only this user, on whichever server process, picks it up.
PENDING_IMPORT = "exchange.pending_import"


@login_required
@limits_new_journeys
def journey_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        request.session.pop(PENDING_IMPORT, None)  # a new file replaces one left waiting (up to 2 MB of session)
        try:
            with one_import_at_a_time():
                journey = exchange.journey_import(data=exchange.parse_export_file(raw), actor=request.user)
        except exchange.DepartmentsToChoose:
            request.session[PENDING_IMPORT] = raw.decode("utf-8-sig")  # parsed above: UTF-8
            return redirect("journey_import_departments")
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("board", journey_id=journey.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "exchange/import.html", {"form": form}, status=status)


@login_required
@limits_new_journeys
def journey_import_departments(request: HttpRequest) -> HttpResponse:
    """The import's second step: the importer chooses what the file's unknown departments are."""
    text = request.session.get(PENDING_IMPORT)
    if not isinstance(text, str):
        gone = _(
            "No imported file is waiting for a choice (it was imported already, or the session ended)."
            " Choose the file again."
        )
        return render(request, "exchange/import.html", {"form": ImportForm(), "error": gone}, status=409)
    try:  # checked at the upload; a limit lowered since, say, refuses it now
        data = exchange.parse_export_file(text.encode())
        names = exchange.departments_to_choose(data)
    except ValidationError as error:
        del request.session[PENDING_IMPORT]
        return render(request, "exchange/import.html", {"form": ImportForm(), "error": error.messages[0]}, status=422)
    may_create = may_create_departments(request.user)
    form = DepartmentChoiceForm(request.POST or None, names=names, may_create=may_create)
    if request.method == "POST" and form.is_valid():
        try:
            with one_import_at_a_time():
                journey = exchange.journey_import(data=data, actor=request.user, chosen=form.chosen())
        except ValidationError as error:  # a department added or removed meanwhile, say
            form.add_error(None, error)
        else:
            del request.session[PENDING_IMPORT]
            return redirect("board", journey_id=journey.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "title": data["journey"]["title"], "may_create": may_create}
    return render(request, "exchange/departments.html", context, status=status)


@login_required
@limits_new_journeys
def journey_copy(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    initial = {"title": journey.title}
    form = text_only(CopyForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        try:
            with one_import_at_a_time():
                copy = exchange.journey_copy(journey=journey, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("board", journey_id=copy.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "exchange/copy.html", {"form": form, "journey": journey}, status=status)
