from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.text import refuse_control_characters, refuse_markup

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f77b4."))


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


class Department(models.Model):
    """A department of the organisation; managed once, used as a swimlane on every journey."""

    name = models.CharField(
        _("name"), max_length=80, unique=True, validators=[refuse_control_characters, refuse_markup]
    )
    colour = models.CharField(_("colour"), max_length=7, default="#5b8def", validators=[colour_validator])
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="departments",
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Journey(models.Model):
    """The process behind one customer question, mapped in a workshop."""

    title = models.CharField(_("customer question"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    invite_token = models.CharField(
        _("invite token"), max_length=64, unique=True, default=new_invite_token, editable=False
    )
    # When the facilitator last renewed the invite link (null: the link the journey started with).
    invite_renewed_at = models.DateTimeField(_("invite link renewed at"), null=True, blank=True, editable=False)
    # The last sequence number handed out for a change on this journey; the event log is the truth.
    seq = models.PositiveBigIntegerField(_("sequence number"), default=0, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="journeys",
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("facilitator")
        PARTICIPANT = "participant", _("participant")

    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("journey")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    joined_through_invite = models.BooleanField(_("joined through the invite link"), default=False, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journey", "user"], name="one_membership_per_user")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.journey}"


class FormerMember(models.Model):
    """Someone removed from a journey, and when: an invite link issued before that no longer lets them back in."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+", verbose_name=_("journey"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    removed_at = models.DateTimeField(_("removed at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journey", "user"], name="one_former_membership_per_user")]
        verbose_name = _("former member")
        verbose_name_plural = _("former members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.journey}"


class LaneRole(models.TextChoices):
    """Who works in a lane, as a service blueprint sees it (top to bottom)."""

    CUSTOMER = "customer", _("customer")
    FRONTSTAGE = "frontstage", _("frontstage")  # the customer sees or talks to them
    BACKSTAGE = "backstage", _("backstage")
    SUPPORT = "support", _("support")  # systems, other organisations


class Lane(models.Model):
    """A department's swimlane on one journey, in the order the board shows them (top to bottom)."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="lanes", verbose_name=_("journey"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="lanes", verbose_name=_("department")
    )
    position = models.IntegerField(_("position"), default=0)
    # Its place in a service blueprint; the lines between the roles are derived (journeys/blueprint.py), never drawn.
    role = models.CharField(_("role"), max_length=20, choices=LaneRole.choices, blank=True, default="")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["journey", "department"], name="one_lane_per_department")]
        verbose_name = _("lane")
        verbose_name_plural = _("lanes")

    def __str__(self) -> str:
        return _("%(department)s on %(journey)s") % {"department": self.department, "journey": self.journey}


class Step(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        WEB = "web", _("web")
        COUNTER = "counter", _("counter")
        LETTER = "letter", _("letter")
        CHAT = "chat", _("chat")
        INTERNAL = "internal", _("internal")

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="steps", verbose_name=_("journey"))
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name=_("lane"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    # Process order chosen by the participants; the layout derives columns from it and the hand-offs.
    position = models.IntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return self.title


MAX_WAIT_MINUTES = 365 * 24 * 60  # a year: anything longer is a typo, not a queue
percent_validators = [MaxValueValidator(100)]


class Handoff(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="handoffs", verbose_name=_("journey"))
    from_step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="outgoing", verbose_name=_("from"))
    to_step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="incoming", verbose_name=_("to"))
    label = models.CharField(_("label"), max_length=80, blank=True)
    # Flow figures (journeys/flow.py), all optional: empty means nobody knows yet, not zero.
    wait_minutes = models.PositiveIntegerField(
        _("waiting time (minutes)"), null=True, blank=True, validators=[MaxValueValidator(MAX_WAIT_MINUTES)]
    )
    share_percent = models.PositiveSmallIntegerField(
        _("share of cases (%)"), null=True, blank=True, validators=percent_validators
    )
    complete_accurate_percent = models.PositiveSmallIntegerField(
        _("complete and accurate (%)"), null=True, blank=True, validators=percent_validators
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["from_step", "to_step"], name="one_handoff_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(from_step=models.F("to_step")),
                name="no_self_handoff",
            ),
            models.CheckConstraint(condition=models.Q(share_percent__lte=100), name="share_at_most_100"),
            models.CheckConstraint(
                condition=models.Q(complete_accurate_percent__lte=100), name="complete_accurate_at_most_100"
            ),
        ]
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")

    def __str__(self) -> str:
        return f"{self.from_step} -> {self.to_step}"


class PainPoint(models.Model):
    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        SOLVED = "solved", _("solved")
        WONT_FIX = "wont_fix", _("won't fix")

    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="pain_points", verbose_name=_("journey")
    )
    step = models.ForeignKey(
        Step,
        on_delete=models.CASCADE,
        related_name="pain_points",
        verbose_name=_("step"),
    )
    text = models.CharField(_("pain point"), max_length=300)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    responsible_departments = models.ManyToManyField(
        Department,
        related_name="pain_points",
        verbose_name=_("responsible departments"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_pain_points",
        verbose_name=_("owner"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    fix_description = models.TextField(_("what changes"), blank=True, max_length=2000)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True, db_index=True)
    # When it came in with a journey file; what the file says happened before that (created_at, a solved_at not
    # later than this, its imported activities) is the file's claim, not measured here: the managers' figures leave
    # it out and count the pain point from this moment on.
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("pain point")
        verbose_name_plural = _("pain points")

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)


class PainPointActivity(models.Model):
    """The timeline of one pain point: who did what, when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        TAGGED = "tagged", _("tagged")
        EDITED = "edited", _("edited")
        PICKED_UP = "picked_up", _("picked up")
        HANDED_OVER = "handed_over", _("handed over")
        GIVEN_BACK = "given_back", _("given back")
        PLANNED = "planned", _("fix planned")
        COMMENTED = "commented", _("commented")
        SOLVED = "solved", _("solved")
        WONT_FIX = "wont_fix", _("won't fix")
        REOPENED = "reopened", _("reopened")
        IMPORTED = "imported", _("imported from a file")

    pain_point = models.ForeignKey(
        PainPoint, on_delete=models.CASCADE, related_name="activities", verbose_name=_("pain point")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True, max_length=2000)
    from_status = models.CharField(_("status before"), max_length=20, blank=True)
    to_status = models.CharField(_("status after"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)
    # Read from a journey file: history another installation (or the file's author) claims, kept for reading and
    # left out of the managers' figures.
    imported = models.BooleanField(_("imported"), default=False, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("pain point activity")
        verbose_name_plural = _("pain point activities")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.pain_point}"


class Event(models.Model):
    """One committed change on a journey. Its sequence number orders every live update."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=40)
    op_id = models.CharField(max_length=64, blank=True)
    # What the operation asked for (a digest of its fields): the same id sent again with other content is refused.
    op_digest = models.CharField(max_length=64, blank=True, default="")
    # What changed, as {"step": id} / {"handoff": id} / {"pain_point": id, "step": id} / {"layout": true}.
    targets = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # How to take this change back: row images to restore and rows to delete (see journeys/undo.py).
    undo = models.JSONField(default=dict, blank=True)
    undoes = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    undone_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["journey", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "seq"], name="one_event_per_seq"),
            models.UniqueConstraint(
                fields=["journey", "op_id"],
                condition=~models.Q(op_id=""),
                name="one_event_per_operation",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


# Customer lens --------------------------------------------------------------------------------------------------


class LensQuestion(models.Model):
    """A question asked of every step: how will the customer experience this? The organisation edits the set."""

    text_en = models.CharField(_("question (English)"), max_length=200)
    text_nl = models.CharField(_("question (Dutch)"), max_length=200, blank=True)
    position = models.IntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("customer lens question")
        verbose_name_plural = _("customer lens questions")

    def __str__(self) -> str:
        return self.text_en

    def text_for(self, language: str) -> str:
        return self.text_nl if language.startswith("nl") and self.text_nl else self.text_en


class LensAnswer(models.Model):
    """The participants' note on one lens question for one step."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="lens_answers")
    question = models.ForeignKey(LensQuestion, on_delete=models.CASCADE, related_name="answers")
    note = models.TextField(_("note"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["question__position", "question_id"]
        constraints = [models.UniqueConstraint(fields=["step", "question"], name="one_lens_answer_per_question")]
        verbose_name = _("customer lens answer")
        verbose_name_plural = _("customer lens answers")

    def __str__(self) -> str:
        return f"{self.step}: {self.question}"


# Mirror survey --------------------------------------------------------------------------------------------------

score_validators = [MinValueValidator(1), MaxValueValidator(10)]


class MirrorSurvey(models.Model):
    """A journey's mirror survey. Staff estimates stay hidden until the facilitator reveals them: nobody anchors."""

    journey = models.OneToOneField(
        Journey, on_delete=models.CASCADE, related_name="mirror_survey", verbose_name=_("journey")
    )
    revealed_at = models.DateTimeField(_("revealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mirror survey")
        verbose_name_plural = _("mirror surveys")

    def __str__(self) -> str:
        return _("mirror survey of %(journey)s") % {"journey": self.journey}

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


class MirrorEstimate(models.Model):
    """The score one participant thinks customers give a step (or, without a step, the journey as a whole)."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="mirror_estimates")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, null=True, blank=True, related_name="mirror_estimates")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=score_validators)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "step", "participant"],
                condition=models.Q(step__isnull=False),
                name="one_estimate_per_step_and_participant",
            ),
            models.UniqueConstraint(
                fields=["journey", "participant"],
                condition=models.Q(step__isnull=True),
                name="one_journey_estimate_per_participant",
            ),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=10), name="estimate_from_1_to_10"),
        ]
        verbose_name = _("staff estimate")
        verbose_name_plural = _("staff estimates")

    def __str__(self) -> str:
        return f"{self.participant}: {self.score}"


class CustomerScore(models.Model):
    """What customers actually gave a step (or, without a step, the journey as a whole): mean score and responses."""

    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="customer_scores", verbose_name=_("journey")
    )
    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, null=True, blank=True, related_name="customer_scores", verbose_name=_("step")
    )
    score = models.DecimalField(_("customer score"), max_digits=4, decimal_places=2, validators=score_validators)
    responses = models.PositiveIntegerField(_("responses"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "step"],
                condition=models.Q(step__isnull=False),
                name="one_customer_score_per_step",
            ),
            models.UniqueConstraint(
                fields=["journey"],
                condition=models.Q(step__isnull=True),
                name="one_customer_score_per_journey",
            ),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=10), name="customer_score_from_1_to_10"),
        ]
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")

    def __str__(self) -> str:
        return f"{self.score} ({self.responses})"
