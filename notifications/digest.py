"""The digest: per person, weekly (default) or daily, the open, overdue and recently solved pain points of their
departments on their journeys, grouped by journey, and what they chose to hear of in the digest since the last one.

Never twice for one period: `digests_send` first claims every due person's (person, period) row with one
INSERT ... SELECT ... ON CONFLICT DO NOTHING against a unique constraint, then sends only the rows it claimed
itself. Two senders running at once split the people between them; a second run in the same period finds nobody.
A person whose e-mail fails loses the claim again, so the next run retries them; a sender killed between claiming
and sending leaves that period's digest unsent (at most once, never twice).

The number of queries does not depend on the number of people (see bench/bench_digest.py).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from journeys.models import Department, Membership, PainPoint
from notifications import emails
from notifications.models import Delivery, DigestDelivery, DigestFrequency, Notification, NotificationPreference
from notifications.preferences import from_row
from notifications.wording import describe

logger = logging.getLogger(__name__)

ITEMS_PER_SECTION = 10
OPEN = (PainPoint.Status.OPEN, PainPoint.Status.IN_PROGRESS)


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str
    start: datetime.datetime  # solved since then counts as "recently solved"


def current_period(frequency: str, now: datetime.datetime) -> Period:
    today = timezone.localtime(now).date()
    if frequency == DigestFrequency.DAILY:
        return Period(frequency, f"day:{today.isoformat()}", _midnight(today - datetime.timedelta(days=1)))
    year, week, weekday = today.isocalendar()
    monday = today - datetime.timedelta(days=weekday - 1)
    return Period(frequency, f"week:{year}-W{week:02d}", _midnight(monday - datetime.timedelta(days=7)))


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


# Claiming -----------------------------------------------------------------------------------------------------------


def due_people(frequency: str) -> QuerySet:
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    chosen = Q(notification_preference__digest=frequency, notification_preference__email_enabled=True)
    if frequency == DigestFrequency.WEEKLY:  # the default for people who never chose
        chosen |= Q(notification_preference__isnull=True)
    return people.filter(chosen)


def claim(*, frequency: str, period: str, token: str, now: datetime.datetime) -> None:
    """Claim the period's digest of everyone due who has none yet, in one statement (see the module docstring)."""
    people_sql, people_params = due_people(frequency).values(due_user=F("pk")).query.sql_with_params()
    table = DigestDelivery._meta.db_table
    # "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT (a parsing ambiguity).
    sql = (
        f"INSERT INTO {table} (user_id, period, claim, claimed_at) "
        f"SELECT due.due_user, %s, %s, %s FROM ({people_sql}) due WHERE 1 = 1 "
        "ON CONFLICT (user_id, period) DO NOTHING"
    )
    with db_connection.cursor() as cursor:
        cursor.execute(sql, [period, token, now, *people_params])


# Content ------------------------------------------------------------------------------------------------------------


@dataclass
class JourneyDigest:
    journey_id: int
    title: str
    overdue: list[dict[str, Any]] = field(default_factory=list)
    open: list[dict[str, Any]] = field(default_factory=list)
    solved: list[dict[str, Any]] = field(default_factory=list)
    more: int = 0  # items left out beyond ITEMS_PER_SECTION per section

    @property
    def list_url(self) -> str:
        return emails.absolute(reverse("my_pain_points") + f"?journey={self.journey_id}&state=active")


@dataclass
class Digest:
    user: Any
    language: str
    period: Period
    journeys: list[JourneyDigest]
    notifications: list[Notification]

    @property
    def empty(self) -> bool:
        return not self.journeys and not self.notifications


@dataclass
class DigestData:
    """Everything the digests of a set of people need, loaded in a fixed number of queries."""

    departments_of: dict[int, set[int]]
    journeys_of: dict[int, set[int]]
    pain_points: dict[int, dict[str, Any]]
    pain_points_of_department: dict[int, list[int]]
    notifications_of: dict[int, list[Notification]]
    preferences: dict[int, NotificationPreference]


def load_digest_data(people: QuerySet, *, since: datetime.datetime) -> DigestData:
    people_ids = people.values("pk")
    department_rows = Department.members.through.objects.filter(user__in=people_ids)
    departments_of: dict[int, set[int]] = defaultdict(set)
    for user_id, department_id in department_rows.values_list("user_id", "department_id"):
        departments_of[user_id].add(department_id)
    journeys_of: dict[int, set[int]] = defaultdict(set)
    for user_id, journey_id in Membership.objects.filter(user__in=people_ids).values_list("user_id", "journey_id"):
        journeys_of[user_id].add(journey_id)
    tagged = PainPoint.responsible_departments.through.objects.filter(
        department__in=department_rows.values("department")
    )
    relevant = PainPoint.objects.filter(pk__in=tagged.values("painpoint")).filter(
        Q(status__in=OPEN) | Q(status=PainPoint.Status.SOLVED, solved_at__gte=since)
    )
    fields = (
        "pk",
        "text",
        "status",
        "severity",
        "target_date",
        "solved_at",
        "journey_id",
        "journey__title",
        "step__title",
    )
    pain_points = {row["pk"]: row for row in relevant.values(*fields)}
    by_department: dict[int, list[int]] = defaultdict(list)
    links = PainPoint.responsible_departments.through.objects.filter(painpoint__in=relevant.values("pk"))
    for pain_point_id, department_id in links.values_list("painpoint_id", "department_id"):
        by_department[department_id].append(pain_point_id)
    pending = Notification.objects.filter(recipient__in=people_ids, delivery=Delivery.DIGEST, delivered_at=None)
    notifications_of: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending.select_related("actor", "journey", "pain_point", "step").order_by("created_at", "pk"):
        notifications_of[notification.recipient_id].append(notification)
    preferences = {row.user_id: row for row in NotificationPreference.objects.filter(user__in=people_ids)}
    return DigestData(departments_of, journeys_of, pain_points, by_department, notifications_of, preferences)


def digest_for(user: Any, period: Period, data: DigestData, today: datetime.date) -> Digest:
    journeys = data.journeys_of.get(user.pk, set())
    mine = {
        pk
        for department in data.departments_of.get(user.pk, ())
        for pk in data.pain_points_of_department.get(department, ())
        if data.pain_points[pk]["journey_id"] in journeys
    }
    grouped: dict[int, JourneyDigest] = {}
    for pk in sorted(mine, key=lambda pk: (data.pain_points[pk]["target_date"] or datetime.date.max, pk)):
        row = data.pain_points[pk]
        journey = grouped.setdefault(row["journey_id"], JourneyDigest(row["journey_id"], row["journey__title"]))
        _place(journey, row, today)
    language = from_row(data.preferences.get(user.pk), user.pk).language
    ordered = sorted(grouped.values(), key=lambda journey: journey.title.lower())
    return Digest(user, language, period, ordered, data.notifications_of.get(user.pk, []))


def _place(journey: JourneyDigest, row: dict[str, Any], today: datetime.date) -> None:
    if row["status"] == PainPoint.Status.SOLVED:
        section = journey.solved
    elif row["target_date"] is not None and row["target_date"] < today:
        section = journey.overdue
    else:
        section = journey.open
    if len(section) >= ITEMS_PER_SECTION:
        journey.more += 1
        return
    url = emails.absolute(reverse("pain_point_page", args=[row["journey_id"], row["pk"]]))
    section.append({**row, "url": url})


# Sending ------------------------------------------------------------------------------------------------------------


@dataclass
class DigestReport:
    claimed: int = 0
    sent: int = 0
    empty: int = 0
    failed: int = 0


def digests_send(*, now: datetime.datetime | None = None) -> DigestReport:
    now = now or timezone.now()
    token = uuid.uuid4().hex
    periods = {
        frequency: current_period(frequency, now) for frequency in (DigestFrequency.WEEKLY, DigestFrequency.DAILY)
    }
    for frequency, period in periods.items():
        claim(frequency=frequency, period=period.key, token=token, now=now)
    claims = list(DigestDelivery.objects.filter(claim=token).select_related("user"))
    report = DigestReport(claimed=len(claims))
    if not claims:
        return report
    people = get_user_model().objects.filter(pk__in=DigestDelivery.objects.filter(claim=token).values("user"))
    since = min(period.start for period in periods.values())
    data = load_digest_data(people, since=since)
    period_of = {period.key: period for period in periods.values()}
    digests = [digest_for(row.user, period_of[row.period], data, timezone.localdate(now)) for row in claims]
    _deliver(digests, token, report)
    return report


def _deliver(digests: list[Digest], token: str, report: DigestReport) -> None:
    failed: list[int] = []
    listed_up_to = max((n.pk for digest in digests for n in digest.notifications), default=0)
    with get_connection() as connection:
        for digest in digests:
            if digest.empty:
                report.empty += 1
                continue
            try:
                connection.send_messages([emails.message(render_digest(digest))])
            except Exception:
                logger.exception("Could not send the digest of user %s", digest.user.pk)
                failed.append(digest.user.pk)
            else:
                report.sent += 1
    mine = DigestDelivery.objects.filter(claim=token)
    if failed:  # let the next run try them again
        mine.filter(user__in=failed).delete()
        report.failed = len(failed)
    now = timezone.now()
    mine.update(sent_at=now)
    # What the digests listed counts as told; notifications made while sending wait for the next digest.
    told = Notification.objects.filter(recipient__in=mine.values("user"), delivery=Delivery.DIGEST, delivered_at=None)
    told.filter(pk__lte=listed_up_to).update(delivered_at=now)


def render_digest(digest: Digest) -> Any:
    with translation.override(digest.language):
        notifications = [(describe(notification), notification) for notification in digest.notifications]
    context = {
        "user": digest.user,
        "digest": digest,
        "daily": digest.period.frequency == DigestFrequency.DAILY,
        "notifications": notifications,
        "list_url": emails.absolute(reverse("my_pain_points") + "?state=active"),
    }
    return emails.render_email(
        template="notifications/email/digest",
        context=context,
        language=digest.language,
        to=digest.user.email,
        unsubscribe=emails.unsubscribe_url(user_id=digest.user.pk),
    )
