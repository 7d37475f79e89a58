"""A journey as one JSON document: export, validated import into a new journey, and copying as a template.

The file names departments, never database ids, so it travels between installations: an import maps them onto the
organisation's departments by name, look-alikes included (`departments.py`), and the importer chooses for the rest;
only an administrator may have one created. Steps get a `key` local to the file that hand-offs and pain points refer to.
People are not exported as accounts: an imported journey belongs to whoever imports it, and its history keeps what
happened and when, not who (a username means someone else on another installation). That history is marked as
imported: the managers' figures count an imported pain point from the day it was imported, not from what the file
claims (dashboard/stats.py).

`journey_import` checks the whole document before it writes anything, then writes it in one transaction.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.departments import departments_matching, look_alike_of
from exchange.flow_figures import flow_for_export
from journeys import limits, permissions, services
from journeys.changes import journey_change
from journeys.models import (
    MAX_WAIT_MINUTES,
    Department,
    Handoff,
    Journey,
    Lane,
    LaneRole,
    PainPoint,
    PainPointActivity,
    Step,
    colour_validator,
)
from journeys.text import capped, is_text, refuse_markup

FORMAT_NAME = "journey-board"
FORMAT_VERSION = 1
# Dates a file may claim (Python cannot place year 1 in every time zone; nothing on a board is older than computers).
EARLIEST_YEAR, LATEST_YEAR = 1970, 2100


@dataclass(frozen=True)
class ExportSection:
    """An optional part of the file that another area of the app owns (mirror scores, say).

    `export(journey, keys)` returns JSON data, `keys` mapping step ids to the file's step keys; `check(value, keys)`
    returns the problems of a value read from a file (each naming where it is), `keys` being the file's step keys;
    `write(journey, value, steps)` saves a checked value once the steps exist, `steps` mapping keys to saved steps.
    """

    export: Callable[[Journey, dict[int, int]], Any]
    check: Callable[[Any, set[Any]], list[str]]
    write: Callable[[Journey, Any, dict[Any, Step]], None]


EXPORT_SECTIONS: dict[str, ExportSection] = {}


def register_section(name: str, section: ExportSection) -> None:
    EXPORT_SECTIONS[name] = section


# Export ---------------------------------------------------------------------------------------------------------


def journey_export(journey: Journey, *, include_pain_points: bool = True) -> dict[str, Any]:
    steps = list(Step.objects.filter(journey=journey).select_related("department").order_by("position", "id"))
    keys = {step.pk: index for index, step in enumerate(steps, start=1)}
    lane_rows = list(Lane.objects.filter(journey=journey).select_related("department"))
    lanes = [lane.department for lane in lane_rows]
    pain_points = _pain_points_for_export(journey, keys) if include_pain_points else []
    used = {d.pk: d for d in lanes} | {s.department.pk: s.department for s in steps if s.department}
    if include_pain_points:
        used |= {d.pk: d for d in Department.objects.filter(pain_points__journey=journey)}
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "journey": {"title": journey.title, "description": journey.description},
        "departments": [{"name": d.name, "colour": d.colour} for d in sorted(used.values(), key=lambda d: d.name)],
        "lanes": [department.name for department in lanes],
        "lane_roles": {lane.department.name: lane.role for lane in lane_rows if lane.role},
        "steps": [_step_for_export(step, keys[step.pk]) for step in steps],
        "handoffs": [
            {"from": keys[h.from_step_id], "to": keys[h.to_step_id], "label": h.label, **_flow_fields(h)}
            for h in Handoff.objects.filter(journey=journey).order_by("id")
        ],
        "pain_points": pain_points,
        "flow": flow_for_export(journey, keys),
        **{name: section.export(journey, keys) for name, section in EXPORT_SECTIONS.items()},
    }


HANDOFF_FLOW_FIELDS = ("wait_minutes", "share_percent", "complete_accurate_percent")


def _flow_fields(handoff: Handoff) -> dict[str, int | None]:
    return {name: getattr(handoff, name) for name in HANDOFF_FLOW_FIELDS}


def _step_for_export(step: Step, key: int) -> dict[str, Any]:
    return {
        "key": key,
        "title": step.title,
        "description": step.description,
        "department": step.department.name if step.department else None,
        "channel": step.channel,
        "duration_minutes": step.duration_minutes,
    }


def _pain_points_for_export(journey: Journey, keys: dict[int, int]) -> list[dict[str, Any]]:
    rows = PainPoint.objects.filter(journey=journey).prefetch_related("responsible_departments", "activities")
    return [
        {
            "step": keys[p.step_id],
            "text": p.text,
            "severity": p.severity,
            "status": p.status,
            "responsible_departments": sorted(d.name for d in p.responsible_departments.all()),
            "fix_description": p.fix_description,
            "target_date": p.target_date.isoformat() if p.target_date else None,
            "resolution": p.resolution,
            "created_at": p.created_at.isoformat(),
            "solved_at": p.solved_at.isoformat() if p.solved_at else None,
            "activities": [
                {
                    "kind": a.kind,
                    "text": a.text,
                    "from_status": a.from_status,
                    "to_status": a.to_status,
                    "created_at": a.created_at.isoformat(),
                }
                for a in p.activities.all()
            ],
        }
        for p in rows.order_by("created_at", "id")
    ]


# Reading a file -------------------------------------------------------------------------------------------------


def max_import_bytes() -> int:
    return settings.JOURNEY_IMPORT_MAX_BYTES


class _NumberTooBig(ValueError):
    pass


class _NotANumber(ValueError):
    pass


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > settings.JOURNEY_IMPORT_MAX_NUMBER_DIGITS:
        raise _NumberTooBig(text)
    return int(text)


def _fraction(text: str) -> float:
    if len(text) > settings.JOURNEY_IMPORT_MAX_NUMBER_DIGITS + 10:
        raise _NumberTooBig(text)
    value = float(text)
    if not math.isfinite(value):  # 1e999
        raise _NumberTooBig(text)
    return value


def _no_constant(text: str) -> Any:
    raise _NotANumber(text)  # NaN, Infinity: not JSON, though Python's parser takes them


def parse_export_file(raw: bytes) -> Any:
    """The JSON inside an uploaded file, or ValidationError naming why it cannot be read. A byte order mark (as some
    editors on Windows write) is fine; nesting and number sizes are limited, as Python's parser does not."""
    limit = max_import_bytes()
    if len(raw) > limit:
        raise ValidationError(
            _("The file is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": len(raw) // 1024, "limit": limit // 1024}
        )
    try:
        data = json.loads(
            raw.decode("utf-8-sig"), parse_int=_whole_number, parse_float=_fraction, parse_constant=_no_constant
        )
    except UnicodeDecodeError as error:
        raise ValidationError(_("The file is not UTF-8 text.")) from error
    except _NumberTooBig as error:
        raise ValidationError(
            _("The file holds a number with more than %(digits)s digits: no journey needs one.")
            % {"digits": settings.JOURNEY_IMPORT_MAX_NUMBER_DIGITS}
        ) from error
    except _NotANumber as error:
        raise ValidationError(_("The file holds NaN or Infinity, which JSON does not allow.")) from error
    except RecursionError as error:
        raise _too_deep() from error
    except json.JSONDecodeError as error:  # the parser's own wording is English jargon: say where, in plain words
        raise ValidationError(
            _(
                "This is not a Journey Board export (a .json file made with Export): it cannot be read from line"
                " %(line)s, column %(column)s."
            )
            % {"line": error.lineno, "column": error.colno}
        ) from error
    if nesting_depth(data, settings.JOURNEY_IMPORT_MAX_DEPTH) > settings.JOURNEY_IMPORT_MAX_DEPTH:
        raise _too_deep()
    return data


def _too_deep() -> ValidationError:
    return ValidationError(
        _("The file nests lists and objects more than %(depth)s levels deep; an export nests a few.")
        % {"depth": settings.JOURNEY_IMPORT_MAX_DEPTH}
    )


def nesting_depth(value: Any, stop_past: int) -> int:
    """How deeply lists and objects nest in `value` (a scalar: 0), walked without recursion; stops past `stop_past`."""
    deepest, pending = 0, [(value, 1)]
    while pending and deepest <= stop_past:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


# Validation -----------------------------------------------------------------------------------------------------


def shown(value: Any) -> str:
    """A value as a message may quote it: short, whatever a hostile file holds."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class _Checker:
    """Collects every problem of a document, each message naming where it is."""

    errors: list[str] = field(default_factory=list)

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def record(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, _("expected an object"))
            return {}
        return value

    def items(self, data: dict[str, Any], name: str, where: str) -> list[Any]:
        value = data.get(name, [])
        if not isinstance(value, list):
            self.fail(f"{where}{name}", _("expected a list"))
            return []
        return value

    def text(
        self, data: dict[str, Any], name: str, where: str, *, model: type, field_name: str = "", required: bool = False
    ) -> str:
        value = data.get(name, "")
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.fail(f"{where}.{name}", _("expected text"))
            return ""
        if not is_text(value):
            self.fail(f"{where}.{name}", _("holds a control character (such as NUL) or a broken character"))
            return ""
        limit = model._meta.get_field(field_name or name).max_length
        if limit is not None and len(value) > limit:
            self.fail(
                f"{where}.{name}",
                _("longer than %(limit)s characters (it has %(length)s)") % {"limit": limit, "length": len(value)},
            )
        if required and not value.strip():
            self.fail(f"{where}.{name}", _("must not be empty"))
        return value.strip()

    def choice(self, data: dict[str, Any], name: str, where: str, choices: list[str], default: str) -> str:
        value = data.get(name, default)
        if value not in choices:
            message = _("%(value)s is not one of %(choices)s") % {"value": shown(value), "choices": choices}
            self.fail(f"{where}.{name}", message)
            return default
        return value

    def integer(self, data: dict[str, Any], name: str, where: str) -> int | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
            self.fail(f"{where}.{name}", _("expected a whole number of at least 0"))
            return None
        return value

    def moment(self, data: dict[str, Any], name: str, where: str, *, parse: Any = datetime.fromisoformat) -> Any:
        """A moment of the file's history (a datetime: not in the future) or a plan (a date)."""
        value = data.get(name)
        if value is None:
            return None
        try:
            parsed = parse(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail(f"{where}.{name}", _("expected an ISO 8601 date"))
            return None
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            self.fail(
                f"{where}.{name}",
                _("expected a date from %(first)s to %(last)s") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            )
            return None
        if isinstance(parsed, datetime) and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        if isinstance(parsed, datetime) and parsed > timezone.now():
            self.fail(f"{where}.{name}", _("a moment in the future: history cannot have happened yet"))
            return None
        return parsed


# The choices a file may name, listed once: an enum's `.values` builds its list anew at every call, and a file at the
# limits asks thousands of times.
CHANNELS = ["", *Step.Channel.values]
SEVERITIES = PainPoint.Severity.values
STATUSES = PainPoint.Status.values
OPTIONAL_STATUSES = ["", *STATUSES]
ACTIVITY_KINDS = PainPointActivity.Kind.values


@dataclass
class _Plan:
    """A validated document, ready to be written."""

    title: str
    description: str
    departments: dict[str, str]  # name -> colour
    lanes: list[str]
    steps: list[dict[str, Any]]
    handoffs: list[tuple[int, int, str, dict[str, int | None]]]
    pain_points: list[dict[str, Any]]
    sections: dict[str, Any] = field(default_factory=dict)
    lane_roles: dict[str, str] = field(default_factory=dict)  # department name -> role in the service blueprint


def journey_import_check(data: Any) -> _Plan:
    """Validate a whole export document; ValidationError with every problem found, each naming where it is."""
    check = _Checker()
    data = check.record(data, _("the file"))
    if check.errors:
        raise ValidationError(check.errors)
    if data.get("format") != FORMAT_NAME:
        raise ValidationError(_('This is not a Journey Board export (no "format": "%s").') % FORMAT_NAME)
    if data.get("version") != FORMAT_VERSION:
        raise ValidationError(
            _("Unknown format version %(found)s; this installation reads version %(known)s.")
            % {"found": shown(data.get("version")), "known": FORMAT_VERSION}
        )
    too_big = limits.over_limits(
        {kind: len(data[kind]) for kind in ("steps", "handoffs", "pain_points") if isinstance(data.get(kind), list)}
    )
    if too_big:
        raise ValidationError(too_big)
    journey = check.record(data.get("journey"), "journey")
    title = check.text(journey, "title", "journey", model=Journey, required=True)
    description = check.text(journey, "description", "journey", model=Journey)
    departments = _check_departments(check, data)
    lanes = _check_lanes(check, data, departments)
    steps = _check_steps(check, data, departments)
    keys = {step["key"] for step in steps if isinstance(step["key"], int) and not isinstance(step["key"], bool)}
    handoffs = _check_handoffs(check, data, keys)
    pain_points = _check_pain_points(check, data, keys, departments)
    sections = {name: data[name] for name in EXPORT_SECTIONS if name in data}
    for name, value in sections.items():
        check.errors.extend(EXPORT_SECTIONS[name].check(value, keys))
    if check.errors:
        raise ValidationError(capped(check.errors))
    lane_roles = _check_lane_roles(check, data, lanes)
    if check.errors:
        raise ValidationError(capped(check.errors))
    return _Plan(title, description, departments, lanes, steps, handoffs, pain_points, sections, lane_roles)


def _check_departments(check: _Checker, data: dict[str, Any]) -> dict[str, str]:
    departments: dict[str, str] = {}
    for index, item in enumerate(check.items(data, "departments", "")):
        where = f"departments[{index}]"
        record = check.record(item, where)
        name = check.text(record, "name", where, model=Department, required=True)
        try:
            refuse_markup(name)
        except ValidationError as error:
            check.fail(f"{where}.name", error.messages[0])
        colour = record.get("colour", "#5b8def")
        try:
            colour_validator(colour if isinstance(colour, str) else "")
        except ValidationError:
            check.fail(f"{where}.colour", _("expected a colour like #1f77b4"))
        if name in departments:
            check.fail(f"{where}.name", _("department %(name)s is listed twice") % {"name": shown(name)})
        departments[name] = colour
    return departments


def _department_ref(check: _Checker, value: Any, where: str, departments: dict[str, str]) -> str | None:
    if not isinstance(value, str) or value not in departments:
        check.fail(where, _("%(value)s is not one of the departments in the file") % {"value": shown(value)})
        return None
    return value


def _check_lanes(check: _Checker, data: dict[str, Any], departments: dict[str, str]) -> list[str]:
    lanes = []
    for index, item in enumerate(check.items(data, "lanes", "")):
        name = _department_ref(check, item, f"lanes[{index}]", departments)
        if name in lanes:
            check.fail(f"lanes[{index}]", _("lane %(name)s is listed twice") % {"name": shown(name)})
        elif name is not None:
            lanes.append(name)
    return lanes


def _check_lane_roles(check: _Checker, data: dict[str, Any], lanes: list[str]) -> dict[str, str]:
    """Optional (files from before lane roles have none): each listed lane's role in the service blueprint."""
    if "lane_roles" not in data:
        return {}
    roles = check.record(data["lane_roles"], "lane_roles")
    for name, role in roles.items():
        if name not in lanes:
            check.fail(
                f"lane_roles.{shown(name)}", _("%(value)s is not one of the lanes in the file") % {"value": shown(name)}
            )
        elif role not in LaneRole.values:
            check.fail(f"lane_roles.{shown(name)}", _("expected customer, frontstage, backstage or support"))
    return {name: role for name, role in roles.items() if name in lanes and role in LaneRole.values}


def _check_steps(check: _Checker, data: dict[str, Any], departments: dict[str, str]) -> list[dict[str, Any]]:
    steps, keys = [], set()
    for index, item in enumerate(check.items(data, "steps", "")):
        where = f"steps[{index}]"
        record = check.record(item, where)
        key = record.get("key")
        if isinstance(key, bool) or not isinstance(key, int):
            check.fail(f"{where}.key", _("expected a whole number"))
        elif key in keys:
            check.fail(f"{where}.key", _("key %(key)s is used by two steps") % {"key": key})
        else:
            keys.add(key)
        department = record.get("department")
        steps.append(
            {
                "key": key,
                "title": check.text(record, "title", where, model=Step, required=True),
                "description": check.text(record, "description", where, model=Step),
                "department": None
                if department is None
                else _department_ref(check, department, f"{where}.department", departments),
                "channel": check.choice(record, "channel", where, CHANNELS, ""),
                "duration_minutes": check.integer(record, "duration_minutes", where),
            }
        )
    return steps


def _step_ref(check: _Checker, value: Any, where: str, keys: set[Any]) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value not in keys:
        check.fail(where, _("there is no step with key %(key)s") % {"key": shown(value)})
        return None
    return value


def _check_handoffs(
    check: _Checker, data: dict[str, Any], keys: set[Any]
) -> list[tuple[int, int, str, dict[str, int | None]]]:
    handoffs, pairs = [], set()
    for index, item in enumerate(check.items(data, "handoffs", "")):
        where = f"handoffs[{index}]"
        record = check.record(item, where)
        source = _step_ref(check, record.get("from"), f"{where}.from", keys)
        target = _step_ref(check, record.get("to"), f"{where}.to", keys)
        label = check.text(record, "label", where, model=Handoff)
        if source is not None and source == target:
            check.fail(where, _("a hand-off goes to another step, not to the same one"))
        elif None not in (source, target) and (source, target) in pairs:
            check.fail(where, _("these two steps are already linked"))
        pairs.add((source, target))
        handoffs.append((source, target, label, _check_flow_fields(check, record, where)))
    return handoffs


def _check_flow_fields(check: _Checker, record: dict[str, Any], where: str) -> dict[str, int | None]:
    """A hand-off's waiting time, share and %C&A: optional (files from before they existed have none)."""
    fields = {name: check.integer(record, name, where) for name in HANDOFF_FLOW_FIELDS}
    limits = {"wait_minutes": MAX_WAIT_MINUTES, "share_percent": 100, "complete_accurate_percent": 100}
    for name, value in fields.items():
        if value is not None and value > limits[name]:
            check.fail(f"{where}.{name}", _("at most %(limit)s") % {"limit": limits[name]})
            fields[name] = None
    return fields


def _check_pain_points(
    check: _Checker, data: dict[str, Any], keys: set[Any], departments: dict[str, str]
) -> list[dict[str, Any]]:
    pain_points = []
    for index, item in enumerate(check.items(data, "pain_points", "")):
        where = f"pain_points[{index}]"
        record = check.record(item, where)
        names = check.items(record, "responsible_departments", f"{where}.")
        if not names:
            check.fail(f"{where}.responsible_departments", _("name at least one responsible department"))
        pain_points.append(
            {
                "step": _step_ref(check, record.get("step"), f"{where}.step", keys),
                "text": check.text(record, "text", where, model=PainPoint, required=True),
                "severity": check.choice(record, "severity", where, SEVERITIES, "medium"),
                "status": check.choice(record, "status", where, STATUSES, "open"),
                "departments": [
                    _department_ref(check, name, f"{where}.responsible_departments[{i}]", departments)
                    for i, name in enumerate(names)
                ],
                "fix_description": check.text(record, "fix_description", where, model=PainPoint),
                "resolution": check.text(record, "resolution", where, model=PainPoint),
                "target_date": check.moment(record, "target_date", where, parse=date.fromisoformat),
                "created_at": check.moment(record, "created_at", where) or timezone.now(),
                "solved_at": check.moment(record, "solved_at", where),
                "activities": _check_activities(check, record, where),
            }
        )
    return pain_points


def _check_activities(check: _Checker, record: dict[str, Any], where: str) -> list[dict[str, Any]]:
    activities = []
    for index, item in enumerate(check.items(record, "activities", f"{where}.")):
        at = f"{where}.activities[{index}]"
        activity = check.record(item, at)
        activities.append(
            {
                "kind": check.choice(activity, "kind", at, ACTIVITY_KINDS, "commented"),
                "text": check.text(activity, "text", at, model=PainPointActivity),
                "from_status": check.choice(activity, "from_status", at, OPTIONAL_STATUSES, ""),
                "to_status": check.choice(activity, "to_status", at, OPTIONAL_STATUSES, ""),
                "created_at": check.moment(activity, "created_at", at) or timezone.now(),
            }
        )
    return activities


# Import and copy ------------------------------------------------------------------------------------------------


# What the importer chose for a file's department that matches none: an existing department, or (administrators
# only) a new one of that name.
CREATE_NEW = "new"
DepartmentChoice = Department | str


class DepartmentsToChoose(ValidationError):
    """The file names departments that match none of the organisation's: the importer chooses for each."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(
            _("Choose an existing department for each of these from the file: %(names)s.")
            % {"names": ", ".join(f"“{name}”" for name in names)}
        )
        self.names = names


def journey_import(
    *,
    data: Any,
    actor: Any,
    title: str = "",
    chosen: dict[str, DepartmentChoice] | None = None,
    history_is_claimed: bool = True,
) -> Journey:
    """A new journey, owned by `actor`, built from an export document. Nothing is written unless all of it is valid.

    The file's departments map onto existing ones (`departments_matching`); `chosen` says what each of the others
    becomes, else DepartmentsToChoose names them. With `history_is_claimed` (a file, not a copy made here) the pain
    points' history is marked as imported."""
    plan = journey_import_check(data)
    limit = Journey._meta.get_field("title").max_length
    if len(title) > limit:
        raise ValidationError({"title": _("Keep the title to %(limit)s characters.") % {"limit": limit}})
    with transaction.atomic():
        departments = _departments_for(plan, chosen or {}, actor)
        journey = services.journey_create(title=title or plan.title, description=plan.description, actor=actor)
        with journey_change(journey=journey, actor=actor, kind="journey.imported") as change:
            _write_lanes(journey, plan, departments)
            steps = _write_steps(journey, plan, departments)
            Handoff.objects.bulk_create(
                Handoff(journey=journey, from_step=steps[source], to_step=steps[target], label=label, **figures)
                for source, target, label, figures in plan.handoffs
            )
            _write_pain_points(journey, plan, steps, departments, actor, history_is_claimed)
            for name, value in plan.sections.items():
                EXPORT_SECTIONS[name].write(journey, value, steps)
            change.touch(layout=True)
    return journey


def departments_to_choose(data: Any) -> list[str]:
    """The departments of a (checked) document that match none of the organisation's, or more than one."""
    return departments_matching(journey_import_check(data).departments).unmatched


def _departments_for(plan: _Plan, chosen: dict[str, DepartmentChoice], actor: Any) -> dict[str, Department]:
    match = departments_matching(plan.departments)
    missing = [name for name in match.unmatched if name not in chosen]
    if missing:
        raise DepartmentsToChoose(missing)
    departments = dict(match.matched)
    for name in match.unmatched:
        choice = chosen[name]
        if isinstance(choice, Department):
            departments[name] = choice
        elif choice == CREATE_NEW:
            departments[name] = _department_create(name=name, colour=plan.departments[name], actor=actor)
        else:
            raise ValidationError(_("“%(name)s”: choose one of the departments offered.") % {"name": name})
    return departments


def _department_create(*, name: str, colour: str, actor: Any) -> Department:
    if not permissions.may_create_departments(actor):
        raise ValidationError(_("Only an administrator can add a department: choose an existing one."))
    alike = look_alike_of(name)
    if alike is not None:
        raise ValidationError(
            _("“%(name)s” looks like the department “%(existing)s”: choose that one.")
            % {"name": name, "existing": alike.name}
        )
    return Department.objects.create(name=name, colour=colour)


def _write_lanes(journey: Journey, plan: _Plan, departments: dict[str, Department]) -> None:
    names = [*plan.lanes, *(s["department"] for s in plan.steps if s["department"])]
    # Two names of the file may be one department here ("Customer" and "customer"): one lane.
    lanes: dict[int, Lane] = {}
    for name in names:
        department = departments[name]
        lane = lanes.setdefault(department.pk, Lane(journey=journey, department=department, position=len(lanes)))
        lane.role = lane.role or plan.lane_roles.get(name, "")
    Lane.objects.bulk_create(lanes.values())


def _write_steps(journey: Journey, plan: _Plan, departments: dict[str, Department]) -> dict[int, Step]:
    steps = {}
    for index, item in enumerate(plan.steps, start=1):
        steps[item["key"]] = Step(
            journey=journey,
            department=departments[item["department"]] if item["department"] else None,
            title=item["title"],
            description=item["description"],
            channel=item["channel"],
            duration_minutes=item["duration_minutes"],
            position=index * services.POSITION_GAP,
        )
    Step.objects.bulk_create(steps.values())
    return steps


def _write_pain_points(
    journey: Journey,
    plan: _Plan,
    steps: dict[int, Step],
    departments: dict[str, Department],
    actor: Any,
    history_is_claimed: bool,
) -> None:
    fields = ("text", "severity", "status", "fix_description", "resolution", "target_date", "created_at", "solved_at")
    now = timezone.now() if history_is_claimed else None
    pain_points = PainPoint.objects.bulk_create(
        PainPoint(
            journey=journey,
            step=steps[item["step"]],
            created_by=actor,
            imported_at=now,
            **{name: item[name] for name in fields},
        )
        for item in plan.pain_points
    )
    rows = list(zip(pain_points, plan.pain_points, strict=True))
    through = PainPoint.responsible_departments.through
    through.objects.bulk_create(
        through(painpoint_id=pain_point.pk, department_id=department_id)
        for pain_point, item in rows
        for department_id in dict.fromkeys(departments[name].pk for name in item["departments"])
    )
    PainPointActivity.objects.bulk_create(
        PainPointActivity(pain_point=pain_point, actor=None, imported=history_is_claimed, **activity)
        for pain_point, item in rows
        for activity in item["activities"]
    )
    if history_is_claimed:  # the one moment measured here: it arrived, in the status the file gives it
        PainPointActivity.objects.bulk_create(
            PainPointActivity(
                pain_point=pain_point,
                actor=actor,
                kind=PainPointActivity.Kind.IMPORTED,
                to_status=pain_point.status,
                created_at=now,
            )
            for pain_point in pain_points
        )


def journey_copy(*, journey: Journey, actor: Any, title: str, include_pain_points: bool = False) -> Journey:
    """A new journey with the same lanes, steps and hand-offs, as a template for a similar customer question. Its
    pain points, if asked for, start over: open, with no plan and no history, tagged now. The original's fixes stay
    the original's, so owners' lists and the dashboard do not count them twice."""
    data = journey_export(journey, include_pain_points=include_pain_points)
    data["pain_points"] = [_as_new(pain_point) for pain_point in data["pain_points"]]
    # The departments are this installation's own, by their exact names.
    return journey_import(data=data, actor=actor, title=title.strip() or journey.title, history_is_claimed=False)


def _as_new(pain_point: dict[str, Any]) -> dict[str, Any]:
    started_over = {"status": PainPoint.Status.OPEN, "fix_description": "", "target_date": None, "resolution": ""}
    return {**pain_point, **started_over, "solved_at": None, "created_at": timezone.now().isoformat(), "activities": []}
