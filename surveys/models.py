"""The questionnaire engine and the staff survey on it.

Anonymity by construction: an invitation knows the person's e-mail, organisation and staff group;
while they answer, their answers sit in a Draft tied to the invitation; on submit, a Response is
created with a copy of organisation and staff group, the day only, and no link back, and the Draft
is deleted in the same transaction.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from poet.models import Audience, Organisation, OutcomeStatement, StaffGroup, UserGroup, Wave


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash; only the hash is stored."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


class Questionnaire(models.Model):
    """One version of a wave's questionnaire for one audience.

    Frozen when the wave opens; editing a frozen one makes the next version, and answers keep
    pointing at the version they were given against.
    """

    class For(models.TextChoices):
        STAFF = "staff", _("Staff")
        FOLLOW_UP = "follow_up", _("Service users and carers")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="questionnaires")
    audience = models.CharField(max_length=10, choices=For.choices, default=For.STAFF)
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    introduction = models.TextField(
        blank=True, help_text="Why the survey is being done and what happens to the answers."
    )
    privacy_notice = models.TextField(blank=True)
    contact = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who people answering can contact with questions (a name or role, and an "
        "e-mail address or phone number); shown on every page they see.",
    )
    frozen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["wave", "audience", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "audience", "version"], name="questionnaire_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Section(models.Model):
    class Kind(models.TextChoices):
        PROCESS = "process", _("Working together")
        OUTCOMES = "outcomes", _("Outcomes for people")
        OTHER = "other", _("Other")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)

    class Meta:
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Scale of 1 to 5")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RANKING = "ranking", _("Ranking")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Free text")

    class Scale(models.TextChoices):
        AGREEMENT = "agreement", _("Strongly disagree … strongly agree")
        IMPORTANCE = "importance", _("Not important … essential")
        ACHIEVEMENT = "achievement", _("Not at all … completely")

    class Measure(models.TextChoices):
        IMPORTANCE = "importance", _("Importance")
        ACHIEVEMENT = "achievement", _("Achievement")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(
        max_length=60, help_text="Stable code, the same in every version and export."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=500)
    easy_read_text = models.CharField(max_length=500, blank=True)
    help_text = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=False)
    scale = models.CharField(max_length=12, choices=Scale.choices, blank=True)
    allow_dont_know = models.BooleanField(default=True)
    choices = models.JSONField(
        default=list, blank=True, help_text='Options as [{"value": "...", "label": "..."}].'
    )
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    domain = models.CharField(max_length=30, blank=True, help_text="Process domain code.")
    outcome = models.ForeignKey(
        OutcomeStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    measure = models.CharField(max_length=12, choices=Measure.choices, blank=True)

    class Meta:
        ordering = ["section", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


def language_choices() -> list[tuple[str, str]]:
    return list(settings.RESPONDENT_LANGUAGES)


class WaveLanguage(models.Model):
    """A language besides English that a wave offers its respondents (English is always offered,
    and is never a row)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=10, choices=language_choices)

    class Meta:
        ordering = ["wave", "code"]
        constraints = [models.UniqueConstraint(fields=["wave", "code"], name="wave_language_once")]

    def __str__(self) -> str:
        return f"{self.code} for {self.wave}"


class Translation(models.Model):
    """One questionnaire text of a wave in one language: `key` names the object and field
    ("staff.item.Q1.text", "outcome.O-HOME.easy_read_text"; see `surveys.selectors.translations`),
    `source` is the English it translates and `text` the translation.

    One table for every kind of text, rather than a translation table per model: a respondent's
    page needs every text of its questionnaire in one language, and that is one indexed read of
    (wave, language) here, where per-model tables would cost a query per model (questionnaire,
    sections, items, outcome statements) and a join each. It is also the PO file's own shape
    (msgctxt = key, msgid = source, msgstr = text), so export and import are a straight copy.
    Keyed by the wave and stable codes, not by rows, so a translation survives the new versions
    an open wave's questionnaire gets; keeping the English it was made from means a changed
    English text makes its translation count as missing instead of showing stale words.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=language_choices)
    key = models.CharField(max_length=300)
    source = models.TextField()
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["wave", "language", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "language", "key"], name="translation_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} in {self.language}"


class Invitation(models.Model):
    """One member of staff: where they work and where to send the link, never their answers."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    staff_group = models.ForeignKey(StaffGroup, on_delete=models.PROTECT)
    email = models.EmailField(blank=True, help_text="Only to send the link and reminders.")
    language = models.CharField(
        max_length=10,
        blank=True,
        choices=language_choices,
        help_text="The language of their e-mails and link; blank: not known (their e-mails are "
        "in Welsh and English when the wave offers Welsh).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    completed_on = models.DateField(null=True, blank=True, help_text="Day only.")
    email_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["wave", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "email"],
                condition=~models.Q(email=""),
                name="invitation_unique_email_per_wave",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to {self.wave}"

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None


class InvitationToken(models.Model):
    """A link sent to one invitee. Each e-mail (invitation, reminder) carries a fresh one, since
    only hashes are stored; all of them stop working once the survey is submitted."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Link for invitation {self.invitation_id}"


class OpenLink(models.Model):
    """A link any member of staff may use, for partnerships without a staff list; the
    respondent picks their organisation and staff group.

    Anyone holding it can answer, so it takes at most `max_responses` responses (then it says it
    is full), and its responses beyond their group's recorded headcount (`StaffHeadcount`) wait
    for an evaluator to confirm them before they count (`Response.awaiting_confirmation`).
    """

    DEFAULT_MAX_RESPONSES = 500

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="open_link")
    token_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    max_responses = models.PositiveIntegerField(
        default=DEFAULT_MAX_RESPONSES,
        help_text="Responses the link takes at most (awaiting confirmation or not); then it is "
        "full and stores nothing more.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Open link to {self.wave}"


class StaffHeadcount(models.Model):
    """How many staff of one organisation × staff group the open link reaches: people who work
    there but are not on the wave's staff list, recorded by an administrator.

    With the invitations of the cell it is the headcount an attacker holding the staff list
    knows (`surveys.selectors.headcounts.staff_headcounts`): a group is shown only when that
    reaches k. It is also the number of open-link responses the cell counts before further ones
    wait for an evaluator, so nobody can pad a small group with answers of known value.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="staff_headcounts")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    staff_group = models.ForeignKey(StaffGroup, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["wave", "organisation__name", "staff_group__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "organisation", "staff_group"], name="staff_headcount_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.staff_group} at {self.organisation} ({self.wave})"


class Draft(models.Model):
    """Answers saved while someone is part-way through; deleted when they submit."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, null=True, blank=True, related_name="draft"
    )
    resume_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.STAFF)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    staff_group = models.ForeignKey(StaffGroup, on_delete=models.PROTECT, null=True, blank=True)
    user_group = models.ForeignKey(UserGroup, on_delete=models.PROTECT, null=True, blank=True)
    easy_read = models.BooleanField(default=False)
    language = models.CharField(
        max_length=10, default=settings.LANGUAGE_CODE, help_text="The language they answer in."
    )
    context = models.JSONField(
        default=dict,
        blank=True,
        help_text="What a higher part needs back on submit (e.g. the follow-up participant); "
        "handed to the response_submitted signal, never stored on the response.",
    )
    answers = models.JSONField(default=dict, blank=True, help_text="Item code → raw answer.")
    via_open_link = models.BooleanField(
        default=False, help_text="Started from the wave's open link, not a personal invitation."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft {self.pk} of {self.questionnaire}"


class Response(models.Model):
    """A submitted response: who answered only as audience and group, and the day only.

    Staff responses copy organisation and staff group; service users' and carers' copy their
    user group (the follow-up links its participants to their responses from above).

    A response through the open link beyond its cell's recorded headcount awaits confirmation:
    stored, but counted nowhere (and without a submission day, so every query of submitted
    responses leaves it out) until an evaluator confirms it, when it gets the day of
    confirmation, the day it starts to count. Only whether it came by the open link is kept,
    never which link, session or time.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.STAFF)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    staff_group = models.ForeignKey(StaffGroup, on_delete=models.PROTECT, null=True, blank=True)
    user_group = models.ForeignKey(UserGroup, on_delete=models.PROTECT, null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True, help_text="Day only, never the time.")
    via_open_link = models.BooleanField(default=False, help_text="Came by the wave's open link.")
    language = models.CharField(
        max_length=10,
        default=settings.LANGUAGE_CODE,
        help_text="The language it was answered in; its answers are stored by item all the same.",
    )
    awaiting_confirmation = models.BooleanField(
        default=False,
        help_text="Through the open link beyond its group's headcount: counted nowhere until an "
        "evaluator confirms it.",
    )

    class Meta:
        ordering = ["wave", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(audience="staff")
                | models.Q(organisation__isnull=False, staff_group__isnull=False),
                name="staff_response_has_organisation_and_group",
            ),
            models.CheckConstraint(
                condition=models.Q(awaiting_confirmation=False)
                | models.Q(via_open_link=True, submitted_on__isnull=True),
                name="awaiting_response_came_by_open_link_and_is_not_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.wave}"


class Answer(models.Model):
    """One answer to one item. "Don't know" is stored as such, never as a number."""

    # No index of its own: the unique (response, item) index below serves lookups by response,
    # and one index fewer to keep up is a cheaper submit.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(null=True, blank=True, help_text="Chosen or ranked values.")
    dont_know = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.item_id} in response {self.response_id}"


# Partnership context tools (Glasby & Dickinson's frameworks). Partner leads are named, not
# anonymous: what they say is about their organisation's relationships, not about themselves.

SCALE_1_5 = [MinValueValidator(1), MaxValueValidator(5)]


class IntegrationLevel(models.IntegerChoices):
    """Leutz's three levels of integration, lowest first."""

    LINKAGE = 1, _("Linkage")
    COORDINATION = 2, _("Co-ordination")
    FULL = 3, _("Full integration")


class ContextRespondent(models.Model):
    """A named partner lead who answers the context tools for a wave, by their own link."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="context_respondents")
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="context_respondents"
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(null=True, blank=True, help_text="Last answer saved.")

    class Meta:
        ordering = ["wave", "organisation__name", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class IntegrationAnswer(models.Model):
    """For one user group: the level of integration a lead sees now and thinks is needed."""

    respondent = models.ForeignKey(
        ContextRespondent, on_delete=models.CASCADE, related_name="integration_answers"
    )
    user_group = models.ForeignKey(UserGroup, on_delete=models.CASCADE, related_name="+")
    now = models.PositiveSmallIntegerField(choices=IntegrationLevel.choices)
    needed = models.PositiveSmallIntegerField(choices=IntegrationLevel.choices)

    class Meta:
        ordering = ["respondent", "user_group__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "user_group"], name="integration_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_group}: {self.get_now_display()} → {self.get_needed_display()}"


class RelationshipPlacement(models.Model):
    """One inter-agency relationship on the depth × breadth matrix, as it is and as it should be.

    The relationship is a pair of partner organisations (stored lower pk first) or a named
    service area.
    """

    respondent = models.ForeignKey(
        ContextRespondent, on_delete=models.CASCADE, related_name="relationship_placements"
    )
    organisation_a = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation_b = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service_area = models.CharField(max_length=200, blank=True)
    depth_now = models.PositiveSmallIntegerField(validators=SCALE_1_5)
    breadth_now = models.PositiveSmallIntegerField(validators=SCALE_1_5)
    depth_needed = models.PositiveSmallIntegerField(validators=SCALE_1_5)
    breadth_needed = models.PositiveSmallIntegerField(validators=SCALE_1_5)

    class Meta:
        ordering = ["respondent", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "organisation_a", "organisation_b", "service_area"],
                name="relationship_placed_once",
            )
        ]

    def __str__(self) -> str:
        if self.service_area:
            return self.service_area
        return f"{self.organisation_a} – {self.organisation_b}"


class StrategicImportance(models.Model):
    """How strategically important the joint work is to the lead's own organisation (1–5)."""

    respondent = models.OneToOneField(
        ContextRespondent, on_delete=models.CASCADE, related_name="strategic_importance"
    )
    importance = models.PositiveSmallIntegerField(validators=SCALE_1_5)
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.importance}/5 from {self.respondent}"
