"""One sentence per notification, in the active language: the same words in the inbox, the bell and the e-mails."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.models import Kind, Notification


def person(user: object) -> str:
    if user is None:
        return _("Someone")
    return user.get_full_name() or user.get_username()


def describe(notification: Notification) -> str:
    actor = person(notification.actor)
    on_step = notification.pain_point_id is None and notification.step_id is not None
    if notification.kind == Kind.TAGGED:
        return _("%(actor)s tagged a pain point with your department") % {"actor": actor}
    if notification.kind == Kind.HANDED_OVER:
        return _("%(actor)s handed a pain point over to you") % {"actor": actor}
    if notification.kind == Kind.COMMENTED and on_step:
        return _("%(actor)s commented on a step you discussed") % {"actor": actor}
    if notification.kind == Kind.COMMENTED:
        return _("%(actor)s commented on a pain point you take part in") % {"actor": actor}
    if notification.kind == Kind.MENTIONED:
        return _("%(actor)s mentioned you") % {"actor": actor}
    if notification.kind in (Kind.DUE_SOON, Kind.OVERDUE):
        return _due(notification)
    if notification.kind == Kind.SOLVED:
        return _("%(actor)s solved a pain point you take part in") % {"actor": actor}
    if notification.kind == Kind.FIX_DONE:
        return _("The shared fix “%(fix)s” is done: are its pain points solved?") % {"fix": notification.detail}
    if notification.kind == Kind.REPORT_RECEIVED:
        return _("A new report waits for triage")
    return report_outcome(notification.detail)


def _due(notification: Notification) -> str:
    target = notification.pain_point.target_date if notification.pain_point else None
    when = date_format(target, _("j M Y")) if target else "—"
    if notification.kind == Kind.DUE_SOON:
        return _("The target date of a pain point you own is near: %(date)s") % {"date": when}
    return _("A pain point you own is past its target date (%(date)s)") % {"date": when}


def report_outcome(outcome: str) -> str:
    return {
        "accepted": _("Your report is now a pain point on the journey"),
        "merged": _("Your report was added to a pain point that was already known"),
        "dismissed": _("Your report was dismissed"),
    }.get(outcome, _("Your report was handled"))
