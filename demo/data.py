"""A realistic demo: an insurer's "I am moving: change my address" journey, built through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dashboard import flow_history
from dashboard.models import JourneyFlowDay
from fixes import services as fixes
from fixes.models import Fix
from intake import services as intake
from journeys import services
from journeys.models import (
    Department,
    Handoff,
    Journey,
    Membership,
    PainPointActivity,
)
from journeys.permissions import MANAGERS_GROUP
from live import fanout
from painpoints import services as pain_points
from priorities import services as priorities

DEMO_TITLE = "I am moving: change my address"
DEMO_PASSWORD = "journey-demo-2026"

DEPARTMENTS = [
    ("Customer", "#8e6cc9"),
    ("Contact centre", "#2b8a9e"),
    ("Policy administration", "#d9822b"),
    ("Finance", "#3f9142"),
    ("IT", "#5b6b7f"),
]

# Each lane's role in the service blueprint: who the customer sees, who works out of sight, which systems support.
LANE_ROLES = {
    "Customer": "customer",
    "Contact centre": "frontstage",
    "Policy administration": "backstage",
    "Finance": "backstage",
    "IT": "support",
}

# (username, full name, department, role on the journey, is manager)
USERS = [
    ("anna", "Anna de Vries", "Contact centre", Membership.Role.FACILITATOR, False),
    (
        "bram",
        "Bram Jansen",
        "Policy administration",
        Membership.Role.PARTICIPANT,
        False,
    ),
    ("carla", "Carla Bakker", "IT", Membership.Role.PARTICIPANT, False),
    ("dirk", "Dirk Visser", "Finance", Membership.Role.PARTICIPANT, False),
    ("eva", "Eva Smit", "Contact centre", Membership.Role.PARTICIPANT, True),
]

# (key, title, department, channel, minutes)
STEPS = [
    ("search", "Looks on the website for how to report a move", "Customer", "web", 10),
    ("form", "Fills in the change-of-address web form", "Customer", "web", 8),
    ("mailbox", "Form lands in the shared mailbox", "Contact centre", "email", 5),
    (
        "rekey",
        "Agent checks identity and re-keys the address",
        "Contact centre",
        "internal",
        15,
    ),
    (
        "premium",
        "Recalculates the home-insurance premium for the new postcode",
        "Policy administration",
        "internal",
        30,
    ),
    ("debit", "Adjusts the direct debit", "Finance", "internal", 10),
    (
        "letter",
        "Prints and posts the new policy schedule",
        "Policy administration",
        "letter",
        20,
    ),
    (
        "old_address",
        "Receives the letter at the old address (mail forward was late)",
        "Customer",
        "letter",
        None,
    ),
    ("calls", 'Calls: "did you get my change?"', "Customer", "phone", 12),
    (
        "no_status",
        "Agent cannot see the status in the policy system",
        "IT",
        "internal",
        5,
    ),
    (
        "callback",
        "Promises a callback within 2 working days",
        "Contact centre",
        "phone",
        3,
    ),
    ("confirmed", "Receives confirmation by e-mail", "Customer", "email", None),
]

HANDOFFS = [
    ("search", "form", ""),
    ("form", "mailbox", "web form"),
    ("mailbox", "rekey", "picked up next day"),
    ("rekey", "premium", "re-keyed"),
    ("premium", "debit", "new premium"),
    ("debit", "letter", ""),
    ("letter", "old_address", "post"),
    ("old_address", "calls", ""),
    ("calls", "rekey", "customer calls back"),
    ("calls", "no_status", ""),
    ("no_status", "callback", ""),
    ("callback", "confirmed", ""),
]

DAY, HOUR = 24 * 60, 60
# What the departments told the workshop about each hand-off: (source, target, waiting minutes, share of the cases
# at the source in %, % complete and accurate as the receiving department judges it). None: nobody knew.
ROUTES = [
    ("search", "form", 0, None, None),
    ("form", "mailbox", 0, None, 80),
    ("mailbox", "rekey", DAY, None, 90),
    ("rekey", "premium", 4 * HOUR, None, 85),
    ("premium", "debit", DAY, None, 95),
    ("debit", "letter", 2 * DAY, None, 98),
    ("letter", "old_address", 2 * DAY, None, 60),
    ("old_address", "calls", 3 * DAY, None, None),
    ("calls", "rekey", 30, 30, None),
    ("calls", "no_status", 0, 70, None),
    ("no_status", "callback", 0, None, 50),
    ("callback", "confirmed", 2 * DAY, None, None),
]

# (step, text, severity, responsible departments, status, owner, weeks ago opened, weeks ago closed)
PAIN_POINTS = [
    (
        "form",
        "The web form does not say what happens next",
        "high",
        ["Contact centre", "IT"],
        "open",
        None,
        11,
        None,
    ),
    (
        "rekey",
        "Re-keying the address causes typos",
        "medium",
        ["Policy administration", "IT"],
        "in_progress",
        "carla",
        10,
        None,
    ),
    (
        "no_status",
        "The agent cannot see the status of the change",
        "high",
        ["IT"],
        "in_progress",
        "carla",
        9,
        None,
    ),
    (
        "premium",
        "The premium change is not explained to the customer",
        "medium",
        ["Policy administration", "Finance"],
        "solved",
        "bram",
        8,
        3,
    ),
    (
        "old_address",
        "The new policy schedule goes to the old address",
        "high",
        ["Policy administration"],
        "solved",
        "bram",
        7,
        2,
    ),
    (
        "callback",
        "The callback promise is not kept",
        "high",
        ["Contact centre"],
        "open",
        None,
        5,
        None,
    ),
    (
        "mailbox",
        "Forms wait a day in the shared mailbox",
        "medium",
        ["Contact centre"],
        "wont_fix",
        "anna",
        6,
        4,
    ),
    (
        "debit",
        "Direct debit changes a month late",
        "low",
        ["Finance"],
        "solved",
        "dirk",
        4,
        1,
    ),
]


@dataclass
class DemoResult:
    journey: Journey
    users: list[tuple[str, str]]  # (username, role description)
    created: bool


def load_demo(*, reset: bool = False) -> DemoResult:
    # About 160 changes: each is pushed as it commits, what they set off after (the dashboard's figures, the insights
    # panel) once per journey at the end.
    with fanout.one_run_of_changes(), transaction.atomic():
        departments = {
            name: Department.objects.get_or_create(name=name, defaults={"colour": c})[0] for name, c in DEPARTMENTS
        }
        users = _demo_users(departments)
        _demo_managers(users)
        claims = _claim_journey(departments, users, reset=reset)
        existing = Journey.objects.filter(title=DEMO_TITLE, created_by=users["anna"]).first()
        if existing and not reset:
            return DemoResult(existing, _user_lines(), created=False)
        if existing:
            existing.delete()
        journey = _demo_journey(departments, users)
        _demo_shared_fix(journey, claims, users)
        _demo_value_effort(journey, claims, users)
    return DemoResult(journey, _user_lines(), created=True)


def _user_lines() -> list[tuple[str, str]]:
    return [
        (
            name,
            f"{full}, {dept}{' (facilitator)' if role == 'facilitator' else ''}{', manager' if manager else ''}",
        )
        for name, full, dept, role, manager in USERS
    ]


def _demo_users(departments: dict[str, Department]) -> dict:
    user_model = get_user_model()
    users = {}
    for username, full_name, department, _role, _is_manager in USERS:
        first, last = full_name.split(" ", 1)
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        departments[department].members.add(user)
        users[username] = user
    return users


def _demo_journey(departments: dict[str, Department], users: dict) -> Journey:
    description = (
        "Home insurance customer reports a move. Workshop with Contact centre, Policy administration, Finance and IT."
    )
    journey, steps = _build_journey(
        DEMO_TITLE,
        description,
        departments,
        users,
        lanes=[name for name, _colour in DEPARTMENTS],
        lane_roles=LANE_ROLES,
        steps=STEPS,
        handoffs=HANDOFFS,
        routes=ROUTES,
        pain_points=PAIN_POINTS,
    )
    _demo_scores(journey, users["anna"], "csat", DEMO_SCORES)
    _demo_flow_history(journey, DEMO_FLOW_HISTORY)
    _demo_reports(journey, steps, users)
    return journey


def _build_journey(
    title: str,
    description: str,
    departments: dict[str, Department],
    users: dict,
    *,
    lanes: list[str],
    lane_roles: dict[str, str],
    steps: list[tuple],
    handoffs: list[tuple],
    routes: list[tuple],
    pain_points: list[tuple],
) -> tuple[Journey, dict]:
    """A demo journey as a workshop builds it, through the services: Anna facilitates, every demo user is a member.
    Returns the journey and its steps by key."""
    facilitator = users["anna"]
    journey = services.journey_create(title=title, description=description, actor=facilitator)
    for username, _full, _dept, role, _manager in USERS[1:]:
        Membership.objects.get_or_create(journey=journey, user=users[username], defaults={"role": role})
    for name in lanes:
        services.lane_add(journey=journey, department=departments[name], actor=facilitator)
        if name in lane_roles:
            role = lane_roles[name]
            services.lane_role_set(journey=journey, department=departments[name], role=role, actor=facilitator)
    made = {
        key: services.step_create(
            journey=journey,
            actor=facilitator,
            title=step_title,
            department=departments[department],
            channel=channel,
            duration_minutes=minutes,
        )
        for key, step_title, department, channel, minutes in steps
    }
    for source, target, label in handoffs:
        services.handoff_create(
            journey=journey, actor=facilitator, from_step=made[source], to_step=made[target], label=label
        )
    _demo_routes(made, routes, facilitator)
    for row in pain_points:
        _demo_pain_point(journey, made, departments, users, *row)
    return journey, made


def _demo_routes(steps: dict, routes: list[tuple], actor) -> None:
    """The waiting times, shares and %C&A of the hand-offs, one change per step as the drawer's editor makes it."""
    per_step: dict[str, list[services.RouteFigures]] = {}
    for source, target, wait, share, judged in routes:
        handoff = Handoff.objects.get(from_step=steps[source], to_step=steps[target])
        per_step.setdefault(source, []).append(services.RouteFigures(handoff.pk, wait, share, judged))
    for source, figures in per_step.items():
        services.step_routes_update(step=steps[source], actor=actor, routes=figures)


def _demo_pain_point(
    journey,
    steps,
    departments,
    users,
    step,
    text,
    severity,
    dept_names,
    status,
    owner,
    opened,
    closed,
):
    """Tag a pain point and walk it through its lifecycle with the real services, then backdate its timeline."""
    author = users["anna"]
    pain_point = services.pain_point_create(
        step=steps[step],
        actor=author,
        text=text,
        severity=severity,
        departments=[departments[d] for d in dept_names],
    )
    now = timezone.now()
    opened_at = now - timedelta(weeks=opened, hours=3)
    times = [opened_at, opened_at]
    if owner:
        pain_point = pain_points.pain_point_pick_up(pain_point=pain_point, actor=users[owner], base_version=None)
        times.append(opened_at + timedelta(days=2))
    if text in DEMO_PLANS:
        fix, weeks_from_now = DEMO_PLANS[text]
        pain_point = pain_points.pain_point_plan_fix(
            pain_point=pain_point,
            actor=users[owner],
            fix_description=fix,
            target_date=timezone.localdate() + timedelta(weeks=max(weeks_from_now, 1)),
            base_version=None,
        )
        # A plan that slipped: its target date lies in the past, so the board and the list show it overdue.
        pain_point.target_date = timezone.localdate() + timedelta(weeks=weeks_from_now)
        planned = pain_point.activities.filter(kind=PainPointActivity.Kind.PLANNED)
        planned.update(text=f"{pain_point.target_date.isoformat()} · {fix}")
        times.append(opened_at + timedelta(days=4))
    if status in ("solved", "wont_fix"):
        close = pain_points.pain_point_solve if status == "solved" else pain_points.pain_point_mark_wont_fix
        note = (
            "Fixed in the process" if status == "solved" else "Mailbox is read daily; a faster route needs a new system"
        )
        field = "resolution" if status == "solved" else "reason"
        pain_point = close(pain_point=pain_point, actor=users[owner], base_version=None, **{field: note})
        closed_at = now - timedelta(weeks=closed)
        pain_point.solved_at = closed_at if status == "solved" else None
        times.append(closed_at)
    for activity, when in zip(pain_point.activities.order_by("created_at", "id"), times, strict=True):
        PainPointActivity.objects.filter(pk=activity.pk).update(created_at=when)
    pain_point.created_at = opened_at
    pain_point.save(update_fields=["created_at", "solved_at", "target_date"])


def _demo_activity(pain_point, actor, kind, from_status, to_status, when, text=""):
    PainPointActivity.objects.create(
        pain_point=pain_point,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        created_at=when,
        text=text,
    )


# A second process for the manager dashboard: rejected claims, with pain points spread over the past 12 weeks -------

CLAIM_TITLE = "My claim was rejected"

CLAIM_DEPARTMENTS = [("Claims", "#b5475b"), ("Complaints", "#7a5c99")]
CLAIM_LANES = ["Customer", "Contact centre", "Claims", "Complaints", "Finance", "IT"]

CLAIM_STEPS = [
    ("submit", "Submits the claim with photos in the app", "Customer", "web", 15),
    ("intake", "Claim is registered and checked for completeness", "Claims", "internal", 20),
    ("assess", "Assessor rejects: damage not covered", "Claims", "internal", 45),
    ("letter", "Sends the rejection letter", "Claims", "letter", 2880),
    ("calls", 'Calls: "why was my claim rejected?"', "Customer", "phone", 20),
    ("agent", "Agent cannot see the assessor's reasoning", "Contact centre", "phone", 10),
    ("complaint", "Files a complaint", "Customer", "email", 15),
    ("review", "Complaints team reviews the claim again", "Complaints", "internal", 120),
    ("payout", "Partial payout after the review", "Finance", "internal", 10),
]

CLAIM_HANDOFFS = [
    ("submit", "intake", "app"),
    ("intake", "assess", ""),
    ("assess", "letter", "rejected"),
    ("letter", "calls", "post"),
    ("calls", "agent", ""),
    ("agent", "complaint", "not satisfied"),
    ("complaint", "review", ""),
    ("review", "payout", "partly granted"),
    ("agent", "calls", "customer calls again"),
]

# Same shape as ROUTES: (source, target, waiting minutes, share %, % complete and accurate)
CLAIM_ROUTES = [
    ("submit", "intake", 0, None, 70),
    ("intake", "assess", 2 * DAY, None, 90),
    ("assess", "letter", DAY, None, None),
    ("letter", "calls", 2 * DAY, None, None),
    ("calls", "agent", 20, None, None),
    ("agent", "complaint", DAY, 65, 40),
    ("agent", "calls", 2 * DAY, 35, None),
    ("complaint", "review", 5 * DAY, None, 55),
    ("review", "payout", DAY, None, 90),
]

# Same shape as PAIN_POINTS: (step, text, severity, departments, status, owner, weeks ago opened, weeks ago closed)
CLAIM_PAIN_POINTS = [
    ("submit", "The app rejects photos larger than 5 MB", "medium", ["IT"], "solved", "carla", 12, 9),
    ("submit", "A half-finished claim cannot be saved", "low", ["IT"], "wont_fix", "carla", 12, 7),
    ("intake", "Missing documents are asked for one at a time", "high", ["Claims"], "solved", "bram", 11, 6),
    (
        "assess",
        "The rejection reason is written in jargon",
        "high",
        ["Claims", "Complaints"],
        "in_progress",
        "bram",
        11,
        None,
    ),
    ("letter", "The letter quotes policy articles instead of plain words", "high", ["Claims"], "solved", "bram", 10, 4),
    ("letter", "The letter does not say how to object", "medium", ["Claims", "Complaints"], "solved", "anna", 10, 2),
    (
        "calls",
        "Customers wait 20 minutes on the phone after a rejection",
        "medium",
        ["Contact centre"],
        "open",
        None,
        9,
        None,
    ),
    ("agent", "The agent cannot see the assessor's notes", "high", ["IT", "Claims"], "in_progress", "carla", 9, None),
    (
        "agent",
        "Agents promise a call from the assessor that never comes",
        "high",
        ["Contact centre", "Claims"],
        "solved",
        "anna",
        8,
        3,
    ),
    (
        "complaint",
        "The complaint form asks for a claim number the customer does not have",
        "medium",
        ["Complaints", "IT"],
        "solved",
        "carla",
        7,
        1,
    ),
    ("review", "The review takes six weeks", "high", ["Complaints"], "in_progress", "anna", 6, None),
    ("payout", "The payout goes to an old bank account", "high", ["Finance"], "solved", "dirk", 5, 1),
    (
        "review",
        "Nobody tells the customer the review has started",
        "medium",
        ["Complaints", "Contact centre"],
        "open",
        None,
        4,
        None,
    ),
    (
        "payout",
        "The partial payout arrives without an explanation",
        "medium",
        ["Finance", "Claims"],
        "open",
        None,
        3,
        None,
    ),
    ("assess", "The same claim is assessed twice by different assessors", "low", ["Claims"], "wont_fix", "bram", 2, 1),
    ("intake", "The acknowledgement e-mail comes in Dutch only", "low", ["IT", "Claims"], "open", None, 1, None),
    (
        "calls",
        "The customer has to tell the story again to every agent",
        "high",
        ["Contact centre"],
        "open",
        None,
        0,
        None,
    ),
]


def _demo_managers(users: dict) -> None:
    """Demo users marked as managers join the "Managers" group, which opens the manager dashboard to them."""
    from django.contrib.auth.models import Group

    managers, _created = Group.objects.get_or_create(name=MANAGERS_GROUP)
    for username, _full, _dept, _role, is_manager in USERS:
        if is_manager:
            users[username].groups.add(managers)


def _claim_journey(departments: dict[str, Department], users: dict, *, reset: bool) -> Journey:
    for name, colour in CLAIM_DEPARTMENTS:
        departments[name] = Department.objects.get_or_create(name=name, defaults={"colour": colour})[0]
    departments["Claims"].members.add(users["bram"])  # Bram handles claims as well as policies
    existing = Journey.objects.filter(title=CLAIM_TITLE, created_by=users["anna"]).first()
    if existing and not reset:
        return existing
    if existing:
        existing.delete()
    description = "A home-insurance claim is rejected. Workshop with Claims, Complaints, Contact centre and Finance."
    journey, _steps = _build_journey(
        CLAIM_TITLE,
        description,
        departments,
        users,
        lanes=CLAIM_LANES,
        lane_roles={},
        steps=CLAIM_STEPS,
        handoffs=CLAIM_HANDOFFS,
        routes=CLAIM_ROUTES,
        pain_points=CLAIM_PAIN_POINTS,
    )
    journey.pain_points.filter(status="wont_fix").update(resolution="Not worth a change to the claims system now")
    _demo_scores(journey, users["anna"], "nps", CLAIM_SCORES)
    _demo_flow_history(journey, CLAIM_FLOW_HISTORY)
    return journey


# Fix plans for pain points in progress: (what changes, target date in weeks from now; negative = overdue)
DEMO_PLANS = {
    "Re-keying the address causes typos": ("The web form writes the new address into the policy system directly", 3),
    "The agent cannot see the status of the change": ("Show the change's status in the agent's screen", -1),
}


# Customer score measurements, (weeks ago, value): the address change climbs as its pain points get solved; the
# rejected claims journey (NPS) slides while its complaints pile up.
DEMO_SCORES = [(11, "58"), (9, "61"), (7, "60"), (5, "64"), (3, "67.5"), (1, "71")]
CLAIM_SCORES = [(10, "-8"), (8, "-14"), (6, "-12"), (4, "-19"), (2, "-23")]


# How the flow figures moved, relative to today's: (weeks ago, contacts per question, lead time). Fixes to the moving
# journey cut repeat calls and waiting; the claims journey got worse as rejections rose.
DEMO_FLOW_HISTORY = [
    (12, 1.27, 1.5),
    (10, 1.22, 1.42),
    (8, 1.17, 1.33),
    (6, 1.12, 1.2),
    (4, 1.06, 1.1),
    (2, 1.03, 1.04),
]
CLAIM_FLOW_HISTORY = [(12, 0.88, 0.85), (9, 0.9, 0.9), (6, 0.95, 0.93), (3, 0.98, 0.97)]


def _demo_flow_history(journey: Journey, history: list[tuple[int, float, float]]) -> None:
    """Daily flow figures of earlier weeks, so the dashboard shows how contacts per question and lead time moved."""
    now = flow_history.flow_day_record(journey=journey)
    today = timezone.localdate()
    for weeks_ago, contacts, lead in history:
        lead_minutes = round(now.lead_minutes * lead)
        JourneyFlowDay.objects.update_or_create(
            journey=journey,
            day=today - timedelta(weeks=weeks_ago),
            defaults={
                "contacts_per_question": now.contacts_per_question * contacts,
                "failure_demand": 1 - 1 / (now.contacts_per_question * contacts),
                "rework_minutes": now.rework_minutes * contacts,
                "lead_minutes": lead_minutes,
                "process_minutes": now.process_minutes,
                "flow_efficiency": now.process_minutes / lead_minutes,
                "rolled_ca": now.rolled_ca,
            },
        )


def _demo_scores(journey: Journey, facilitator, indicator: str, measurements: list[tuple[int, str]]) -> None:
    from workshops import services as workshop_services  # the workshop tools build on journeys, not the reverse

    if indicator != "csat":
        workshop_services.customer_indicator_set(journey=journey, actor=facilitator, kind=indicator)
    today = timezone.localdate()
    for weeks_ago, value in measurements:
        workshop_services.indicator_measurement_record(
            journey=journey,
            actor=facilitator,
            measured_on=today - timedelta(weeks=weeks_ago),
            value=Decimal(value),
            responses=120,
        )


# Reports from outside the workshop, waiting in the moving journey's triage queue: (step, text, reporter username or
# None for the public form, name given, e-mail address given, days ago).
DEMO_PUBLIC_STEPS = ["search", "form", "old_address", "calls"]
DEMO_REPORTS = [
    (
        "form",
        "I sent the form three weeks ago and heard nothing. I don't know whether my new address was received, so I "
        "called twice.",
        None,
        "Marieke Peeters",
        "marieke.peeters@example.com",
        2,
    ),
    (
        "calls",
        "Customers who call about their move are asked for their policy number twice: once by the menu, once by us.",
        "eva",
        "",
        "",
        1,
    ),
    (
        "debit",
        "After a move the new premium is collected before the customer has had the letter that explains it.",
        "dirk",
        "",
        "",
        0,
    ),
]


def _demo_reports(journey: Journey, steps: dict, users: dict) -> None:
    """The facilitator opens the public form on the customer's steps; reports come in through the intake's service,
    the public one as the form sends it, and wait in the triage queue."""
    intake.intake_settings_update(
        journey=journey,
        actor=users["anna"],
        public_enabled=True,
        public_steps=[steps[key] for key in DEMO_PUBLIC_STEPS],
    )
    now = timezone.now()
    for step, text, reporter, name, email, days_ago in DEMO_REPORTS:
        report = intake.report_submit(
            journey=journey,
            text=text,
            step=steps[step],
            reporter=users[reporter] if reporter else None,
            reporter_name=name,
            email=email,
            public=reporter is None,
        )
        type(report).objects.filter(pk=report.pk).update(created_at=now - timedelta(days=days_ago, hours=2))


# One improvement that solves pain points on both journeys: agents see the case's status and notes in one screen.
DEMO_FIX_TITLE = "Agents see the status and notes of every case in one screen"
DEMO_FIX_DESCRIPTION = (
    "The contact centre's screen shows what the policy system and the claims system know about the customer's "
    "case: where an address change is, and why a claim was rejected. One change to IT's case view, for both journeys."
)
DEMO_FIX_PAIN_POINTS = [
    (DEMO_TITLE, "The agent cannot see the status of the change"),
    (CLAIM_TITLE, "The agent cannot see the assessor's notes"),
    (CLAIM_TITLE, "The customer has to tell the story again to every agent"),
]


def _demo_shared_fix(journey: Journey, claims: Journey, users: dict) -> Fix:
    """Carla (IT) owns the fix and is on both journeys, so she links the pain points herself. A rebuilt demo
    replaces the fix its journeys lost."""
    owner = users["carla"]
    Fix.objects.filter(title=DEMO_FIX_TITLE, created_by=owner).delete()
    fix = fixes.fix_create(
        actor=owner,
        title=DEMO_FIX_TITLE,
        description=DEMO_FIX_DESCRIPTION,
        owner=owner,
        state=Fix.State.IN_PROGRESS,
        target_date=timezone.localdate() + timedelta(weeks=6),
    )
    by_title = {journey.title: journey, claims.title: claims}
    for title, text in DEMO_FIX_PAIN_POINTS:
        pain_point = by_title[title].pain_points.get(text=text)
        fixes.fix_link(fix=fix, pain_point=pain_point, actor=owner)
    priorities.fix_score(fix=fix, actor=owner, customer_value=4, business_value=4, effort=4)
    return fix


# Value versus effort, from 1 to 5, scored by the facilitator: (journey title, pain point, customer value, business
# value, effort). The quick wins (high value, low effort) stand out in the matrix's top left.
DEMO_VALUE_EFFORT = [
    (DEMO_TITLE, "The web form does not say what happens next", 5, 3, 1),
    (DEMO_TITLE, "The callback promise is not kept", 4, 4, 2),
    (DEMO_TITLE, "Re-keying the address causes typos", 3, 4, 4),
    (DEMO_TITLE, "The agent cannot see the status of the change", 4, 3, 5),
    (CLAIM_TITLE, "The rejection reason is written in jargon", 5, 4, 2),
    (CLAIM_TITLE, "The review takes six weeks", 4, 5, 5),
    (CLAIM_TITLE, "The acknowledgement e-mail comes in Dutch only", 2, 1, 1),
]


def _demo_value_effort(journey: Journey, claims: Journey, users: dict) -> None:
    by_title = {journey.title: journey, claims.title: claims}
    for title, text, customer, business, effort in DEMO_VALUE_EFFORT:
        priorities.pain_point_score(
            pain_point=by_title[title].pain_points.get(text=text),
            actor=users["anna"],
            customer_value=customer,
            business_value=business,
            effort=effort,
        )
