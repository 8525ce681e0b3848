"""The follow-up with service users and carers.

Participants are pseudonymous codes (P-001 …): no names or contact details are stored, and
anything identifying stays outside the product. Their answers are ordinary `surveys.Response`
rows (audience service_user or carer) on the same questionnaire engine, linked from here so that
a withdrawal can remove them from every analysis.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from poet.models import Audience, Organisation, OutcomeStatement, StaffGroup, UserGroup, Wave
from surveys.models import Answer, Response

CODE_MAX_LENGTH = 20
_CODE_CHARACTER = re.compile(r"[A-Za-z0-9._-]")
CODE_RULE = "use letters, digits, hyphens, underscores or dots, such as P-017"


def participant_code_problem(code: str) -> str | None:
    """Why `code` cannot be a participant code, or None: a code names the participant's pages
    (…/participants/<code>/), so it holds only characters an address keeps as they are."""
    if not code:
        return "is empty"
    if len(code) > CODE_MAX_LENGTH:
        return f"is too long for a participant code (at most {CODE_MAX_LENGTH} characters)"
    bad = sorted(set(_CODE_CHARACTER.sub("", code)))
    if bad:
        shown = " ".join(repr(c) for c in bad)
        return f"has characters a participant code cannot have ({shown}): {CODE_RULE}"
    if not re.search(r"[A-Za-z0-9]", code):
        return f"needs a letter or a digit: {CODE_RULE}"
    return None


def validate_participant_code(code: str) -> None:
    """The one check of a participant code, on every way one is made (form, import, model)."""
    problem = participant_code_problem(code)
    if problem:
        raise ValidationError(f"The participant code '{code}' {problem}.", code="participant_code")


class FollowUpSchedule(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being designed")
        OPEN = "open", _("Collecting answers")
        CLOSED = "closed", _("Closed")

    class Method(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Self-completion questionnaire")
        INTERVIEW = "interview", _("Interview")
        FOCUS_GROUP = "focus_group", _("Focus group")

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="follow_up")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    methods = models.JSONField(default=list, blank=True, help_text="Method values in use.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Follow-up of {self.wave}"


class ChosenOutcome(models.Model):
    """An outcome on the follow-up shortlist, with why it is in."""

    class Reason(models.TextChoices):
        MOST_ENDORSED = "most_endorsed", _("Most endorsed by staff")
        CONTESTED = "contested", _("Contested among staff")
        PROPOSED = "proposed", _("Proposed in free text")
        OTHER = "other", _("Other reason")

    schedule = models.ForeignKey(
        FollowUpSchedule, on_delete=models.CASCADE, related_name="chosen_outcomes"
    )
    outcome = models.ForeignKey(OutcomeStatement, on_delete=models.PROTECT)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["schedule", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "outcome"], name="outcome_chosen_once")
        ]

    def __str__(self) -> str:
        return f"{self.outcome.code} ({self.get_reason_display()})"


class FollowUpSession(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        TELEPHONE = "telephone", _("Telephone")
        VIDEO = "video", _("Video call")
        ONLINE = "online", _("Online, self-completed")
        PAPER = "paper", _("Paper")

    schedule = models.ForeignKey(
        FollowUpSchedule, on_delete=models.CASCADE, related_name="sessions"
    )
    method = models.CharField(max_length=20, choices=FollowUpSchedule.Method.choices)
    date = models.DateField(null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    facilitator = models.CharField(max_length=200, blank=True)
    accessibility_needs = models.TextField(blank=True)
    planned_service_users = models.PositiveSmallIntegerField(default=0)
    planned_carers = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["schedule", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.date or ''}".strip()

    @property
    def label(self) -> str:
        """How pages and files name it: method, date, mode and facilitator."""
        parts = [self.get_method_display()]
        if self.date:
            parts.append(f"{self.date:%-d %B %Y}")
        parts.append(self.get_mode_display().lower())
        if self.facilitator:
            parts.append(f"with {self.facilitator}")
        return ", ".join(parts)


class Participant(models.Model):
    class ConsentMethod(models.TextChoices):
        WRITTEN = "written", _("Written")
        VERBAL = "verbal", _("Verbal")
        ONLINE = "online", _("Online")

    schedule = models.ForeignKey(
        FollowUpSchedule, on_delete=models.CASCADE, related_name="participants"
    )
    code = models.CharField(
        max_length=CODE_MAX_LENGTH,
        validators=[validate_participant_code],
        help_text="Pseudonymous code such as P-017: letters, digits, hyphens, underscores, dots.",
    )
    audience = models.CharField(
        max_length=12,
        choices=[(a.value, a.label) for a in (Audience.SERVICE_USER, Audience.CARER)],
    )
    user_group = models.ForeignKey(UserGroup, on_delete=models.PROTECT)
    session = models.ForeignKey(
        "FollowUpSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_participants",
        help_text="The session they are planned to take part in (their answers record where "
        "they actually gave them).",
    )
    consent_given_on = models.DateField(null=True, blank=True)
    consent_method = models.CharField(max_length=10, choices=ConsentMethod.choices, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["schedule", "code"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "code"], name="participant_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class ParticipantResponse(models.Model):
    """Which participant gave which response, and how it was collected.

    A participant has at most one response (a rule of the data, so no count of people can exceed
    those registered): entering their answers again corrects it (`outcomes.services.capture`).
    """

    class Capture(models.TextChoices):
        SELF = "self", _("Self-completed by link")
        ASSISTED = "assisted", _("Entered by an evaluator")
        IMPORTED = "imported", _("Imported from a file")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="participant")
    session = models.ForeignKey(
        FollowUpSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    capture = models.CharField(max_length=10, choices=Capture.choices)
    easy_read = models.BooleanField(default=False)
    corrected_on = models.DateField(
        null=True, blank=True, help_text="Day only: when the answers were last corrected."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant"], name="participant_has_one_response")
        ]

    def __str__(self) -> str:
        return f"{self.participant} → response {self.response_id}"


class ParticipantLink(models.Model):
    """A participant's link to answer by themselves; only the token's hash is stored."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_on = models.DateField(null=True, blank=True)
    replaced_on = models.DateField(
        null=True, blank=True, help_text="A newer link was made: this one no longer works."
    )

    def __str__(self) -> str:
        return f"Link for {self.participant}"


class OutcomeProposal(models.Model):
    """An outcome someone proposed in free text, waiting for an evaluator to decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not yet decided")
        ADOPTED = "adopted", _("Adopted as a new outcome")
        MERGED = "merged", _("Merged into an existing outcome")
        REJECTED = "rejected", _("Not taken forward")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="outcome_proposals")
    source = models.CharField(
        max_length=10,
        choices=[
            (OutcomeStatement.Source.STAFF.value, OutcomeStatement.Source.STAFF.label),
            (OutcomeStatement.Source.USERS.value, OutcomeStatement.Source.USERS.label),
        ],
    )
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    outcome = models.ForeignKey(
        OutcomeStatement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text="The outcome it was adopted as or merged into.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["wave", "status", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class QualitativeSource(models.Model):
    """The notes or transcript of a follow-up session, or one free-text answer of a member of
    staff, a service user or a carer, de-identified (issue 16, items 1 and 2). It carries its
    audience, its session (users and carers) or organisation and staff group (staff), never a name.

    Only the masked text is stored, never the text as typed or uploaded, nor the uploaded file's
    name: masking runs before the first save, and the words an evaluator masks by hand are
    applied and then forgotten. So no identifier the masking caught is at rest in the database
    or its backups. The one exception is the partnership's choice: when it keeps original files
    (`Partnership.keep_source_files`), an uploaded file is kept, unmasked, under a random name in
    MEDIA_ROOT (never served by URL; evaluators download it, audited) until the wave's personal
    data is deleted. A source can be coded or quoted only once an evaluator has
    reviewed and confirmed its masking (`outcomes.services.sources.confirmed_text`).
    """

    class Kind(models.TextChoices):
        TRANSCRIPT = "transcript", _("Transcript")
        NOTES = "notes", _("Notes")
        ANSWER = "answer", _("Free-text answer")

    class Masking(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Masking not yet confirmed")
        CONFIRMED = "confirmed", _("Masking confirmed")

    AUDIENCES = [
        (Audience.SERVICE_USER.value, _("Service users")),
        (Audience.CARER.value, _("Carers")),
        ("mixed", _("Service users and carers")),
        (Audience.STAFF.value, _("Staff")),
    ]
    SESSION_AUDIENCES = AUDIENCES[:3]  # who takes part in a session: never staff

    schedule = models.ForeignKey(FollowUpSchedule, on_delete=models.CASCADE, related_name="sources")
    session = models.ForeignKey(
        FollowUpSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sources",
        help_text="The session it records (kept, untied, if the session is removed).",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    audience = models.CharField(max_length=12, choices=AUDIENCES)
    answer = models.OneToOneField(
        Answer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="qualitative_source",
        help_text="The free-text answer it was made from (gone with the answer, as when a "
        "participant withdraws).",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff_group = models.ForeignKey(
        StaffGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(help_text="The masked text: never the original.")
    original_file = models.FileField(
        upload_to="sources/originals/",
        max_length=200,
        blank=True,
        help_text="The uploaded file, unmasked: kept only when the partnership keeps original "
        "files, under a random name; deleted with the wave's personal data.",
    )
    masked_counts = models.JSONField(
        default=dict, blank=True, help_text="How many identifiers of each kind were masked."
    )
    masking = models.CharField(max_length=12, choices=Masking.choices, default=Masking.UNCONFIRMED)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["schedule", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_confirmed(self) -> bool:
        return self.masking == self.Masking.CONFIRMED

    @property
    def masked_total(self) -> int:
        return sum(int(v) for v in self.masked_counts.values())


class Theme(models.Model):
    """A theme of a wave's codebook (issue 16, item 3): one of the chosen outcomes (seeded from
    the shortlist, its statement as the description) or the evaluators' own, with one level of
    sub-themes. A theme users raised that no outcome covers can be marked "new outcome proposed
    by users": it is then linked to an `OutcomeProposal`, decided on the shortlist like any other,
    so a recurring theme can become a statement in the next wave."""

    schedule = models.ForeignKey(FollowUpSchedule, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="The theme it is a sub-theme of (one level only).",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    memo = models.TextField(blank=True, help_text="The evaluators' notes on the theme.")
    outcome = models.ForeignKey(
        OutcomeStatement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The chosen outcome it stands for.",
    )
    proposal = models.OneToOneField(
        OutcomeProposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="theme",
        help_text="The outcome proposal made of it: a new outcome proposed by users.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["schedule", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "outcome"], name="theme_per_outcome_once"),
            models.UniqueConstraint(Lower("name"), "schedule", name="theme_name_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """How lists name it: a sub-theme after its theme."""
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class Coding(models.Model):
    """A passage of a source coded to a theme by one coder: [start, end) character offsets into
    the source's masked text (the passage itself is not stored again), with the coder's memo."""

    source = models.ForeignKey(QualitativeSource, on_delete=models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="codings"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    memo = models.TextField(blank=True, help_text="The coder's note on the passage.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "start", "end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="coding_not_empty"
            ),
            models.UniqueConstraint(
                fields=["source", "theme", "coder", "start", "end"], name="coding_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme} {self.start}–{self.end}"


class CodingDone(models.Model):
    """A coder has finished coding a source: from then on they see the other coders' codings of
    it (until then each codes blind), and it counts in the agreement."""

    source = models.ForeignKey(QualitativeSource, on_delete=models.CASCADE, related_name="done")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "done_at"]
        constraints = [models.UniqueConstraint(fields=["source", "coder"], name="coding_done_once")]

    def __str__(self) -> str:
        return f"{self.coder} done with {self.source}"


class Quote(models.Model):
    """A passage an evaluator picked to quote for a chosen outcome in the summative report's
    joint display (issue 16, item 6): one to three per outcome. It keeps the passage's offsets
    into the source's masked text (never the words again), so removing the coding it was picked
    from leaves the pick; the report shows it only while its source may be quoted under k."""

    MAX_PER_OUTCOME = 3

    theme = models.ForeignKey(
        Theme,
        on_delete=models.CASCADE,
        related_name="quotes",
        help_text="The chosen outcome's theme it is quoted for.",
    )
    source = models.ForeignKey(QualitativeSource, on_delete=models.CASCADE, related_name="quotes")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    picked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theme", "picked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="quote_not_empty"
            ),
            models.UniqueConstraint(fields=["theme", "source", "start", "end"], name="quote_once"),
        ]

    def __str__(self) -> str:
        return f"Quote for {self.theme} ({self.source} {self.start}–{self.end})"

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]
