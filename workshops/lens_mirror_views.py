"""Workshop pages and endpoints: the customer lens in the step drawer and the mirror survey page.

Same rules as boards/views.py: look journeys up through membership (404 otherwise), call one service, answer
htmx changes with the fragments the socket pushes. The mirror page's saves are hx-posts answered the same way (no
page reload); without JavaScript they are plain form posts that work on any phone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journeys import lens, mirror, permissions
from journeys.errors import ChangeRefused, NotAMember
from journeys.models import Event, Journey, LensQuestion, Step
from web.changes import (
    PageAnswers,
    Service,
    apply_change,
    apply_live_change,
    fragments_answer,
    journey_child,
    member_journey,
)
from workshops import lens_mirror_forms as workshop_forms
from workshops import mirror_rendering

LENS_PARTS = "workshops/lens/parts.html"


# Customer lens --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def lens_section(request: HttpRequest, journey_id: int, step_id: int) -> HttpResponse:
    _journey, step = journey_child(request, journey_id, Step, step_id)
    return render(request, f"{LENS_PARTS}#lens-section", {"step": step, "lens": lens.lens_for_step(step)})


@login_required
@require_POST
def lens_answer(request: HttpRequest, journey_id: int, step_id: int, question_id: int) -> HttpResponse:
    journey, step = journey_child(request, journey_id, Step, step_id)
    question = get_object_or_404(LensQuestion, pk=question_id, active=True)
    form = workshop_forms.LensAnswerForm(request.POST)

    def invalid(form: workshop_forms.LensAnswerForm) -> str:
        answer = step.lens_answers.filter(question=question).first()
        context = {"step": step, "question": question, "answer": answer, "form": form, "oob": True}
        return render(request, f"{LENS_PARTS}#lens-answer", context).content.decode()

    service = partial(lens.lens_answer_save, step=step, question=question)
    return apply_live_change(request, journey, form, service, invalid)


# Mirror survey --------------------------------------------------------------------------------------------------


def _own_estimates_form(request: HttpRequest, journey: Journey) -> workshop_forms.MirrorEstimatesForm:
    """The participant's estimates form: one field per step as the board has them now, with what they saved."""
    steps = list(Step.objects.filter(journey=journey).select_related("department"))
    mine = mirror.estimates_of(journey, request.user)
    initial = {"journey": mine.get(None), **{f"step-{pk}": score for pk, score in mine.items() if pk}}
    return workshop_forms.MirrorEstimatesForm(steps=steps, initial=initial)


def _mirror_page(request: HttpRequest, journey: Journey, status: int = 200, **forms: Any) -> HttpResponse:
    context = {
        **mirror_rendering.mirror_context(journey),
        "is_facilitator": permissions.is_facilitator(journey, request.user),
        "estimates_form": forms.get("estimates_form") or _own_estimates_form(request, journey),
        "score_form": forms.get("score_form") or workshop_forms.CustomerScoreForm(journey=journey),
        "scores_form": forms.get("scores_form") or _customer_scores_form(journey),
        "import_form": forms.get("import_form") or workshop_forms.CustomerScoreImportForm(),
        "errors": forms.get("errors", []),
        "op_id": uuid.uuid4().hex,
    }
    return render(request, "workshops/mirror/page.html", context, status=status)


def _customer_scores_form(journey: Journey, data: Any = None) -> workshop_forms.CustomerScoresForm:
    steps = list(Step.objects.filter(journey=journey))
    return workshop_forms.CustomerScoresForm(data, steps=steps, stored=mirror.customer_scores_of(journey))


def _mirror_answers(request: HttpRequest, journey: Journey, done: str, form_name: str) -> Any:
    """Run one mirror change. From the live page (htmx): fragments, see MirrorFragmentAnswers. Without JavaScript:
    redirect with a message, or show the page again with what went wrong."""
    if request.htmx:
        return MirrorFragmentAnswers(request, journey, form_name)

    def render_page(status: int, error: str, form: forms.Form | None) -> HttpResponse:
        bound = {form_name: form} if form is not None else {}
        return _mirror_page(request, journey, status=status, errors=[] if form is not None else [error], **bound)

    return PageAnswers(request, done, reverse("mirror_survey", args=[journey.pk]), render_page)


# The viewer's own part of the page that a form with problems comes back in (the rest is pushed to everyone).
OWN_PARTS = {
    "estimates_form": ("workshops/mirror/page.html#mirror-estimate-rows", "form"),
    "scores_form": ("workshops/mirror/parts.html#customer-scores-form", "scores_form"),
    "import_form": ("workshops/mirror/parts.html#customer-scores-import-form", "import_form"),
}


@dataclass
class MirrorFragmentAnswers:
    """A save on the live mirror page: the parts its push brings every mirror page (counts, results, buttons); a form
    with problems comes back with them and the page's alert line says what was wrong (422); a refusal is one line
    of text for that alert line. The form's data-done says what was saved (live.js)."""

    request: HttpRequest
    journey: Journey
    form_name: str

    def applied(self, event: Event, *, replayed: bool) -> HttpResponse:
        response = fragments_answer(self.journey, event, replayed=replayed, page=mirror_rendering.PAGE[0])
        response.write("\n" + self.feedback([]))
        if self.form_name in ("scores_form", "import_form"):  # the table as saved: what counts now
            response.write("\n" + self.own_form(_customer_scores_form(self.journey), "scores_form"))
        if self.form_name == "import_form":  # emptied, with an operation id for the next import
            response.write("\n" + self.own_form(workshop_forms.CustomerScoreImportForm()))
        return response

    def invalid(self, form: forms.Form) -> HttpResponse:
        problems = [f"{_field_name(form, name)}{text}" for name, texts in form.errors.items() for text in texts]
        return HttpResponse(self.feedback(problems) + "\n" + self.own_form(form), status=422)

    def refused(self, refusal: ChangeRefused, status: int) -> HttpResponse:
        if isinstance(refusal, NotAMember):
            raise Http404
        return HttpResponse(str(refusal), status=status, content_type="text/plain; charset=utf-8")

    def own_form(self, form: forms.Form, form_name: str = "") -> str:
        form_name = form_name or self.form_name
        if form_name not in OWN_PARTS:
            return ""
        template, name = OWN_PARTS[form_name]
        context = {"journey": self.journey, name: form, "oob": True, "op_id": uuid.uuid4().hex}
        return render_to_string(template, context, request=self.request)

    def feedback(self, errors: list[str]) -> str:
        context = {"errors": errors, "oob": True}
        return render_to_string("workshops/mirror/parts.html#mirror-feedback", context, request=self.request)


@login_required
@require_GET
def mirror_survey(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _mirror_page(request, member_journey(request, journey_id))


def _mirror_change(
    request: HttpRequest, journey: Journey, form: forms.Form, service: Service, done: str, form_name: str
) -> HttpResponse:
    """One save on the mirror page, `done` when it is saved; `form_name`: the page's form it was made in."""
    return apply_change(request, journey, form, service, _mirror_answers(request, journey, done, form_name))


def _facilitator_journey(request: HttpRequest, journey_id: int) -> Journey:
    journey = member_journey(request, journey_id)
    permissions.require_facilitator(journey, request.user)
    return journey


@login_required
@require_http_methods(["GET", "POST"])
def mirror_estimates(request: HttpRequest, journey_id: int) -> HttpResponse:
    """GET: the rows of the participant's estimates form, for an open page whose steps changed (its hx-trigger)."""
    journey = member_journey(request, journey_id)
    if request.method == "GET":
        context = {"form": _own_estimates_form(request, journey), "journey": journey}
        return render(request, "workshops/mirror/page.html#mirror-estimate-rows", context)
    form = workshop_forms.MirrorEstimatesForm(request.POST, steps=list(Step.objects.filter(journey=journey)))

    def give(data: dict[str, Any], op_id: str) -> Any:
        return mirror.mirror_estimates_give(journey=journey, actor=request.user, scores=form.scores(), op_id=op_id)

    done = _("Your estimates are saved. They stay hidden until the facilitator reveals them.")
    return _mirror_change(request, journey, form, give, done, "estimates_form")


@login_required
@require_POST
def customer_score_enter(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _facilitator_journey(request, journey_id)
    form = workshop_forms.CustomerScoreForm(request.POST, journey=journey)

    def enter(data: dict[str, Any], op_id: str) -> Any:
        return mirror.customer_score_set(journey=journey, actor=request.user, op_id=op_id, **data)

    return _mirror_change(request, journey, form, enter, _("The customer score is saved."), "score_form")


def _field_name(form: forms.Form, name: str) -> str:
    """Which row a problem is in, for the page's summary line: "Form lands in the mailbox: " (none for the form)."""
    if name not in form.fields:
        return ""
    field = form.fields[name]
    return f"{field.widget.attrs.get('aria-label') or field.label}: "


@login_required
@require_POST
def customer_scores_enter(request: HttpRequest, journey_id: int) -> HttpResponse:
    """Customer scores of several steps in one save (the facilitator's table on the mirror page)."""
    journey = _facilitator_journey(request, journey_id)
    form = _customer_scores_form(journey, request.POST)

    def enter(data: dict[str, Any], op_id: str) -> Any:
        return mirror.customer_scores_set(journey=journey, scores=form.scores(), actor=request.user, op_id=op_id)

    return _mirror_change(request, journey, form, enter, _("The customer scores are saved."), "scores_form")


@login_required
@require_POST
def customer_scores_import(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _facilitator_journey(request, journey_id)
    form = workshop_forms.CustomerScoreImportForm(request.POST, request.FILES)

    def import_file(data: dict[str, Any], op_id: str) -> Any:
        content = data["file"].read(mirror.MAX_CSV_BYTES + 1)
        return mirror.customer_scores_import(journey=journey, data=content, actor=request.user, op_id=op_id)

    return _mirror_change(request, journey, form, import_file, _("The customer scores are imported."), "import_form")


@login_required
@require_POST
def mirror_reveal(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    revealed = request.POST.get("revealed", "1") == "1"
    done = _("The estimates are revealed.") if revealed else _("The estimates are hidden again.")

    def reveal(data: dict[str, Any], op_id: str) -> Any:
        return mirror.mirror_reveal(journey=journey, actor=request.user, revealed=revealed, op_id=op_id)

    return _mirror_change(request, journey, forms.Form(request.POST), reveal, done, "reveal_form")
