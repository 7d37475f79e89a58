"""What people are told: the in-app inbox, how each person wants to hear of things, the e-mail outbox and the
digests already sent (one per person and period, guarded by a unique constraint)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, PainPoint, Step


class Kind(models.TextChoices):
    TAGGED = "tagged", _("A pain point is tagged with your department")
    HANDED_OVER = "handed_over", _("A pain point is handed over to you")
    COMMENTED = "commented", _("A comment where you take part")
    MENTIONED = "mentioned", _("Someone mentions you")
    DUE_SOON = "due_soon", _("A target date is near")
    OVERDUE = "overdue", _("A target date has passed")
    SOLVED = "solved", _("A pain point you take part in is solved")
    FIX_DONE = "fix_done", _("A shared fix for your pain points is done")
    REPORT_RECEIVED = "report_received", _("A new report waits for triage")
    REPORT_OUTCOME = "report_outcome", _("What happened to your report")


class Delivery(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("In the app and by e-mail at once")
    DIGEST = "digest", _("In the app and in the digest")
    OFF = "off", _("Not at all")


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    DAILY = "daily", _("Daily")
    OFF = "off", _("Never")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    pain_point = models.ForeignKey(PainPoint, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # What it is about, as it was then (the pain point, the comment), and where it leads (a path on this site).
    text = models.CharField(_("text"), max_length=300, blank=True)
    # A word more where the kind needs one: the shared fix's title, a report's outcome.
    detail = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.APP)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the e-mail was queued or the digest listed it: nothing is told twice.
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Notifications found by a periodic check (a target date near or past) carry a key so each is made once.
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="one_notification_per_key"
            )
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.get_kind_display()}"


class NotificationPreference(models.Model):
    """How one person wants to hear of things. Without a row the defaults apply (see `preferences.DEFAULTS`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    # The interface language the person last used: e-mails are written in it, unless they chose one for e-mail.
    language = models.CharField(_("language of the site"), max_length=10, choices=settings.LANGUAGES, default="en")
    email_language = models.CharField(_("language of e-mails"), max_length=10, choices=settings.LANGUAGES, blank=True)
    digest = models.CharField(
        _("digest"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    # kind -> Delivery; kinds not in it use the default delivery.
    deliveries = models.JSONField(default=dict, blank=True)
    # The unsubscribe link turns this off: no e-mail at all (the inbox in the app keeps working).
    email_enabled = models.BooleanField(_("send me e-mail"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class OutgoingEmail(models.Model):
    """An e-mail rendered and waiting to be sent by `manage.py send_notifications` (a few seconds to a minute
    later), so a slow or unreachable mail server never holds up a page."""

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A sender claims a batch by writing its token here; nobody else sends a claimed row.
    claim = models.CharField(max_length=40, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class DigestDelivery(models.Model):
    """One person's digest for one period ("week:2026-W48", "day:2026-11-23"). The row is claimed before the
    e-mail is sent and the pair is unique, so two senders running at once never both send it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    claim = models.CharField(max_length=40)
    claimed_at = models.DateTimeField()
    # When the sender was done with it (sent, or nothing to tell); still empty: claimed, not sent (yet).
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")]

    def __str__(self) -> str:
        return f"{self.user} {self.period}"


class EmailOptOut(models.Model):
    """An address without an account (a reporter) that asked for no more e-mail."""

    address = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.address
