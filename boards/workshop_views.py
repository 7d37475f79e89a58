"""Workshop pages and endpoints: the customer lens in the step drawer and the mirror survey page.

Same rules as boards/views.py: look journeys up through membership (404 otherwise), call one service, answer
htmx changes with the fragments the socket pushes. The mirror page works with plain forms on any phone.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards import workshop_forms
from boards.views import journey_child, member_journey, run_change
from journeys import lens, mirror
from journeys.changes import ReplayedOperation
from journeys.models import Journey, LensQuestion, Step

LENS_PARTS = "boards/lens/parts.html"


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

    return run_change(
        request,
        journey,
        form,
        lambda data, op_id: lens.lens_answer_save(
            step=step, question=question, actor=request.user, op_id=op_id, **data
        ),
        invalid,
    )


# Mirror survey --------------------------------------------------------------------------------------------------


def _own_estimates_form(request: HttpRequest, journey: Journey) -> workshop_forms.MirrorEstimatesForm:
    """The participant's estimates form: one field per step as the board has them now, with what they saved."""
    steps = list(Step.objects.filter(journey=journey).select_related("department"))
    mine = mirror.estimates_of(journey, request.user)
    initial = {"journey": mine.get(None), **{f"step-{pk}": score for pk, score in mine.items() if pk}}
    return workshop_forms.MirrorEstimatesForm(steps=steps, initial=initial)


def _mirror_page(request: HttpRequest, journey: Journey, status: int = 200, **forms: Any) -> HttpResponse:
    context = {
        "journey": journey,
        "results": mirror.mirror_results(journey),
        "is_facilitator": mirror.is_facilitator(journey, request.user),
        "estimates_form": forms.get("estimates_form") or _own_estimates_form(request, journey),
        "score_form": forms.get("score_form") or workshop_forms.CustomerScoreForm(journey=journey),
        "import_form": forms.get("import_form") or workshop_forms.CustomerScoreImportForm(),
        "errors": forms.get("errors", []),
        "op_id": uuid.uuid4().hex,
    }
    return render(request, "boards/mirror/page.html", context, status=status)


def _apply(request: HttpRequest, journey: Journey, change: Any, done: str, **forms: Any) -> HttpResponse:
    """Run one mirror change; redirect with a message, or show the page again with what went wrong."""
    try:
        change()
    except ReplayedOperation:
        pass
    except mirror.NotFacilitator as refused:
        return HttpResponseForbidden(str(refused))
    except ValidationError as error:
        return _mirror_page(request, journey, status=422, errors=error.messages, **forms)
    messages.success(request, done)
    return redirect("mirror_survey", journey_id=journey.pk)


@login_required
@require_GET
def mirror_survey(request: HttpRequest, journey_id: int) -> HttpResponse:
    return _mirror_page(request, member_journey(request, journey_id))


@login_required
@require_http_methods(["GET", "POST"])
def mirror_estimates(request: HttpRequest, journey_id: int) -> HttpResponse:
    """GET: the rows of the participant's estimates form, for an open page whose steps changed (mirror_page.js)."""
    journey = member_journey(request, journey_id)
    if request.method == "GET":
        context = {"form": _own_estimates_form(request, journey)}
        return render(request, "boards/mirror/page.html#mirror-estimate-rows", context)
    form = workshop_forms.MirrorEstimatesForm(request.POST, steps=list(Step.objects.filter(journey=journey)))
    if not form.is_valid():
        return _mirror_page(request, journey, status=422, estimates_form=form)
    return _apply(
        request,
        journey,
        lambda: mirror.mirror_estimates_give(
            journey=journey, actor=request.user, scores=form.scores(), op_id=_op_id(request)
        ),
        _("Your estimates are saved. They stay hidden until the facilitator reveals them."),
        estimates_form=form,
    )


@login_required
@require_POST
def customer_score_enter(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    if not mirror.is_facilitator(journey, request.user):
        return HttpResponseForbidden(_("Only the facilitator can do this."))
    form = workshop_forms.CustomerScoreForm(request.POST, journey=journey)
    if not form.is_valid():
        return _mirror_page(request, journey, status=422, score_form=form)
    return _apply(
        request,
        journey,
        lambda: mirror.customer_score_set(
            journey=journey, actor=request.user, op_id=_op_id(request), **form.cleaned_data
        ),
        _("The customer score is saved."),
        score_form=form,
    )


@login_required
@require_POST
def customer_scores_import(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    if not mirror.is_facilitator(journey, request.user):
        return HttpResponseForbidden(_("Only the facilitator can do this."))
    form = workshop_forms.CustomerScoreImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _mirror_page(request, journey, status=422, import_form=form)
    data = form.cleaned_data["file"].read(mirror.MAX_CSV_BYTES + 1)
    return _apply(
        request,
        journey,
        lambda: mirror.customer_scores_import(journey=journey, data=data, actor=request.user, op_id=_op_id(request)),
        _("The customer scores are imported."),
        import_form=form,
    )


@login_required
@require_POST
def mirror_reveal(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = member_journey(request, journey_id)
    revealed = request.POST.get("revealed", "1") == "1"
    return _apply(
        request,
        journey,
        lambda: mirror.mirror_reveal(journey=journey, actor=request.user, revealed=revealed, op_id=_op_id(request)),
        _("The estimates are revealed.") if revealed else _("The estimates are hidden again."),
    )


def _op_id(request: HttpRequest) -> str:
    """The page's operation id makes a double-submitted form apply once; anything odd gets a fresh one."""
    op_id = request.POST.get("op_id", "")
    return op_id if op_id.isalnum() and 8 <= len(op_id) <= 64 else uuid.uuid4().hex
