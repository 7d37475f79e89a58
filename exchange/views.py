"""Export a journey (JSON, SVG), import one from a file, copy one as a template."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from exchange import services as exchange
from web.changes import member_journey
from web.downloads import download_name
from web.ratelimit import limits_new_journeys


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


@login_required
@limits_new_journeys
def journey_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = exchange.parse_export_file(form.cleaned_data["file"].read())
            journey = exchange.journey_import(data=data, actor=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("board", journey_id=journey.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "exchange/import.html", {"form": form}, status=status)


@login_required
@limits_new_journeys
def journey_copy(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    initial = {"title": journey.title}
    form = CopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        copy = exchange.journey_copy(journey=journey, actor=request.user, **form.cleaned_data)
        return redirect("board", journey_id=copy.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "exchange/copy.html", {"form": form, "journey": journey}, status=status)
