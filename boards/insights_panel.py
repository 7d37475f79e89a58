"""The insights panel beside the board: what the graph says, turned into findings that highlight their steps.

Registered with the board's fragment registry for every change ("*"), so every push carries a fresh panel; and for
"lens" changes, the lens answer that changed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from boards import flow_rendering
from boards.findings import Finding
from journeys import blueprint, lens, mirror
from journeys import insight_data as insight_reads
from journeys.graph import Route
from journeys.models import Event, Journey, LensAnswer, LensQuestion, Step
from live import presence
from live.fragments import register_follow_up, register_fragments

PANEL = "boards/insights.html"
MAX_LISTED = 12  # longer lists say "and N more": the panel stays readable on a 2,000-step board
TOP_GAPS = 3


def format_minutes(minutes: int) -> str:
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, _("%(n)d d")), (hours, _("%(n)d h")), (mins, _("%(n)d min"))]
    return " ".join(text % {"n": n} for n, text in parts if n) or _("%(n)d min") % {"n": 0}


def _route_finding(key: str, route: Route | None, steps: dict[int, Step], label: str) -> Finding | None:
    if route is None:
        return None
    extra = ngettext("%(n)d step without estimate", "%(n)d steps without estimate", route.unestimated)
    finding = Finding(key, label, [steps[s] for s in route.steps], list(route.handoffs))
    finding.extra = extra % {"n": route.unestimated} if route.unestimated else ""
    return finding


def _loop_findings(data: insight_reads.InsightsData) -> list[Finding]:
    findings = []
    for loop in data.insights.loops[:MAX_LISTED]:
        edges = zip(loop, loop[1:] + loop[:1], strict=True)
        handoffs = [data.graph.edges[a, b]["id"] for a, b in edges]
        label = " → ".join(data.steps[s].title for s in (*loop, loop[0]))
        findings.append(Finding("loop-" + "-".join(map(str, loop)), label, [data.steps[s] for s in loop], handoffs))
    return findings


def _crossings(data: insight_reads.InsightsData) -> Finding:
    crossing_steps = {data.steps[s] for c in data.insights.crossings for s in (c.source, c.target)}
    return Finding(
        "crossings",
        "",
        sorted(crossing_steps, key=lambda step: (step.position, step.pk)),
        [c.handoff for c in data.insights.crossings],
    )


def _single_steps(prefix: str, counts: list[tuple[int, Any]], steps: dict[int, Step]) -> list[tuple[Finding, Any]]:
    return [(Finding(f"{prefix}-{s}", steps[s].title, [steps[s]]), value) for s, value in counts]


def _pain_findings(data: insight_reads.InsightsData) -> dict[str, Any]:
    found, steps, departments = data.insights, data.steps, data.departments
    per_department = sorted(found.pain_per_department.items(), key=lambda item: (-item[1], departments[item[0]].name))
    per_step = sorted(found.pain_per_step.items(), key=lambda item: (-item[1], steps[item[0]].position))
    return {
        "pain_departments": [
            (Finding(f"pain-dept-{d}", departments[d].name, [steps[s] for s in data.pain_steps_by_department[d]]), n)
            for d, n in per_department
        ],
        "pain_steps": _single_steps("pain-step", per_step[:MAX_LISTED], steps),
        "heat": " ".join(f"{step}:{level}" for step, level in sorted(found.heat.items())),
    }


def _blueprint_findings(data: insight_reads.InsightsData) -> dict[str, Any]:
    """The customer's view: hand-offs across the line of visibility, customer steps no frontstage step answers."""
    crossings = blueprint.visibility_crossings(data.graph, data.lane_roles)
    steps = data.steps
    crossing_steps = sorted({steps[s] for c in crossings for s in (c.source, c.target)}, key=lambda s: s.position)
    unanswered = blueprint.unanswered_customer_steps(data.graph, data.lane_roles)
    return {
        "has_roles": bool(data.lane_roles),
        "visibility_crossings": Finding("visibility", "", crossing_steps, [c.handoff for c in crossings]),
        "visibility_crossing_count": len(crossings),
        "unanswered": _step_list("unanswered-customer", unanswered, steps),
        "unanswered_list": [steps[s] for s in unanswered[:MAX_LISTED]],
    }


def _step_list(key: str, ids: list[int] | tuple[int, ...], steps: dict[int, Step]) -> Finding:
    return Finding(key, "", [steps[s] for s in ids if s in steps])


PANEL_CACHE_SECONDS = 300


def panel_context(journey: Journey) -> dict[str, Any]:
    data = insight_reads.insights_data(journey)
    found, steps = data.insights, data.steps
    return {
        "journey": journey,
        "insights": found,
        "step_count": len(steps),
        "crossings": _crossings(data),
        "crossing_list": [(c, steps[c.source], steps[c.target]) for c in found.crossings[:MAX_LISTED]],
        "loops": _loop_findings(data),
        "more_loops": max(len(found.loops) - MAX_LISTED, 0),
        "longest_by_steps": _route_finding("longest-steps", found.longest_by_steps, steps, ""),
        "longest_by_minutes": _route_finding("longest-minutes", found.longest_by_minutes, steps, ""),
        "longest_minutes": format_minutes(found.longest_by_minutes.minutes) if found.longest_by_minutes else "",
        "bottlenecks": _single_steps("bottleneck", [(s, round(pairs)) for s, pairs in found.bottlenecks], steps),
        "dead_ends": _step_list("dead-ends", found.dead_ends, steps),
        "unreachable": _step_list("unreachable", found.unreachable, steps),
        "without_department": _step_list("without-department", found.without_department, steps),
        "lens_unanswered": _step_list("lens-unanswered", lens.steps_with_unanswered_questions(journey), steps),
        "mirror": _mirror_summary(journey),
        "blueprint": _blueprint_findings(data),
        "flow": flow_rendering.panel_flow(data),
        "max_listed": MAX_LISTED,
        **_pain_findings(data),
    }


def _mirror_summary(journey: Journey) -> dict[str, Any]:
    results = mirror.mirror_results(journey)
    gaps = [row for row in results.step_rows if row.gap is not None][:TOP_GAPS]
    return {
        "results": results,
        "top_gaps": [(Finding(f"gap-{row.step.pk}", row.step.title, [row.step]), row) for row in gaps],
    }


def render_panel(journey: Journey, *, oob: bool) -> str:
    """The panel as of the journey's latest change: computed once per change and language, shared by the push
    that announces the change and every page load until the next one."""
    seq = Journey.objects.values_list("seq", flat=True).get(pk=journey.pk)
    key = f"insights-panel:{journey.pk}:{journey.created_at.timestamp()}:{seq}:{get_language()}"
    variants = cache.get(key)
    if variants is None:
        html = render_to_string(f"{PANEL}#insights-panel", {**panel_context(journey), "oob": False})
        variants = {False: html, True: pushed_panel(html)}
        cache.set(key, variants, PANEL_CACHE_SECONDS)
    return variants[oob]


def panel_after_change(changes: list[Event]) -> None:
    """After a run of committed changes to one journey (`live.fanout.register_after_push`, off the request): the panel
    as of the last, in the site's language and in those of the pages open on the journey, so the first page load after a
    change finds it rendered instead of analysing the board while someone waits. The push has rendered it already
    for the open pages (the same cache entry); a load that comes before this job is done renders it itself."""
    journey = Journey.objects.filter(pk=changes[-1].journey_id).first()
    if journey is None:
        return
    for language in sorted({settings.LANGUAGE_CODE, *presence.audiences_here(journey.pk)}):
        with translation.override(language):
            render_panel(journey, oob=False)


def pushed_panel(html: str) -> str:
    """The panel as pushed (`oob`) from the panel as a page shows it: the partial differs only in the panel's own tag,
    so the push of a change and the next page load share one render, whichever of them comes first."""
    start = html.index('<aside id="insights-panel"')
    end = html.index(">", start)
    return f'{html[:end]} hx-swap-oob="morph"{html[end:]}'


@register_follow_up()
def insights_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    return [render_panel(journey, oob=True)]


@register_fragments("lens")
def lens_fragments(journey: Journey, targets: dict[str, Any]) -> list[str]:
    step = Step.objects.filter(pk=targets["lens"], journey=journey).first()
    question = LensQuestion.objects.filter(pk=targets.get("lens_question")).first()
    if step is None or question is None:
        return []
    answer = LensAnswer.objects.filter(step=step, question=question).select_related("author").first()
    context = {"step": step, "question": question, "answer": answer, "oob": True}
    return [render_to_string("workshops/lens/parts.html#lens-answer", context)]
