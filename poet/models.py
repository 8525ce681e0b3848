"""The core every part shares: partnerships and their members, organisations, groups, waves,
outcome statements, the audit log, and background jobs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from poet.library import default_icon

MIN_K, MAX_K, DEFAULT_K = 3, 50, 10


class Partnership(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    minimum_group_size = models.PositiveSmallIntegerField(
        "minimum reporting group size (k)",
        default=DEFAULT_K,
        validators=[MinValueValidator(MIN_K), MaxValueValidator(MAX_K)],
        help_text="Figures describing fewer people than this are suppressed.",
    )
    celebrate_threshold = models.PositiveSmallIntegerField(
        "area for celebration at or above (% positive)",
        default=70,
        validators=[MaxValueValidator(100)],
    )
    develop_threshold = models.PositiveSmallIntegerField(
        "area for development at or below (% positive)",
        default=50,
        validators=[MaxValueValidator(100)],
    )
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Evaluators and administrators must use two-factor authentication",
    )
    keep_source_files = models.BooleanField(
        "keep the original files of uploaded notes and transcripts",
        default=False,
        help_text="Uploaded .txt, .docx and .odt files are kept, unmasked, until the wave's "
        "personal data is deleted; otherwise only their masked text is kept.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_group_size__gte=MIN_K)
                & models.Q(minimum_group_size__lte=MAX_K),
                name="partnership_k_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership", kwargs={"partnership": self.slug})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NHS = "nhs", _("NHS")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        PRIMARY_CARE = "primary_care", _("Primary care")
        VOLUNTARY = "voluntary", _("Voluntary sector")
        INDEPENDENT = "independent", _("Independent sector")
        OTHER = "other", _("Other")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class StaffGroup(models.Model):
    """A profession or staff role; the default list is editable per partnership."""

    DEFAULTS = [
        "Nurse",
        "Social worker",
        "GP",
        "Allied health professional",
        "Support worker",
        "Manager",
        "Administrator",
        "Other",
    ]

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="staff_groups"
    )
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="staff_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class UserGroup(models.Model):
    """A group of people the partnership serves (older people, disabled children, ...)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="user_groups"
    )
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="user_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """One round of evaluation; waves of a partnership can be compared."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("wave status", "Draft")
        OPEN = "open", pgettext_lazy("wave status", "Open")
        CLOSED = "closed", pgettext_lazy("wave status", "Closed")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="wave_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("wave", kwargs={"partnership": self.partnership.slug, "wave": self.slug})


class Audience(models.TextChoices):
    """Who answered: the three audiences of DESIGN §5's `audience` column."""

    STAFF = "staff", _("Staff")
    SERVICE_USER = "service_user", _("Service user")
    CARER = "carer", _("Carer")


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Partnership administrator")
    EVALUATOR = "evaluator", _("Evaluator")
    MANAGER = "manager", _("Manager")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["partnership", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="one_role_per_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.partnership}"


class OutcomeIcon(models.TextChoices):
    """The plain pictures shipped with POET (static/icons/outcomes/<value>.svg) to stand beside
    an outcome statement for people answering; the label says what the picture shows."""

    HOME = "home", _("A house")
    TALK = "talk", _("Two speech bubbles")
    CARER = "carer", _("Two people, one helping the other")
    CHOICE = "choice", _("Boxes, one ticked")
    SAFE = "safe", _("A shield with a tick")
    HEALTH = "health", _("A heart")
    PHONE = "phone", _("A phone")
    PLAN = "plan", _("A clipboard with a list")
    TIME = "time", _("A clock")
    PEOPLE = "people", _("A group of people")
    STAR = "star", _("A star")


class OutcomeStatement(models.Model):
    """A change for people who use services, in their words ("I can stay living in my own home").

    Built-in library statements have no partnership; a partnership's own (adopted from free text)
    belong to it.
    """

    class Source(models.TextChoices):
        LIBRARY = "library", _("Built-in library")
        STAFF = "staff", _("Proposed by staff")
        USERS = "users", _("Proposed by service users or carers")
        EVALUATOR = "evaluator", _("Written by an evaluator")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outcome_statements",
    )
    code = models.CharField(max_length=30, help_text="Short stable code, e.g. O-HOME.")
    text = models.CharField(max_length=300)
    easy_read_text = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.LIBRARY)
    icon = models.CharField(
        max_length=20,
        choices=OutcomeIcon.choices,
        blank=True,
        help_text="The picture beside the statement for people answering; blank: one chosen "
        "from its code or words (`picture`).",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"],
                condition=models.Q(partnership__isnull=False),
                name="outcome_unique_code_in_partnership",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(partnership__isnull=True),
                name="outcome_unique_code_in_library",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    @property
    def picture(self) -> str:
        """The icon to show: the one chosen, else the library's for its code, else one that
        fits its words (``poet.library.default_icon``)."""
        return self.icon or default_icon(self.code, self.text)


class AuditEvent(models.Model):
    """Who did, viewed or downloaded what, and when; kept when the thing itself is gone."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"


class Job(models.Model):
    """A piece of background work someone is waiting for: its status, progress and result.

    The row is created before the task is queued, and the task claims it under a row lock, so a
    duplicate delivery of the same message never runs finished work twice. A running job holds a
    lease its worker renews while it works (`poet.services.jobs`): when a killed worker stops
    renewing it, the lease lapses and the job is queued again, by a new lease holder only.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="jobs")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The running attempt's lease: who holds it ("host:pid"), a token only that attempt knows, and
    # when it lapses unless renewed. Empty while queued or finished.
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Why the job started again, for the person waiting ("The worker stopped … (attempt 2 of 3)").
    interruption = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class WorkerHeartbeat(models.Model):
    """When a Celery worker or beat process last said it was alive: `/readyz` and the beat
    container's healthcheck read it (`poet.selectors.health`)."""

    class Role(models.TextChoices):
        WORKER = "worker", _("Worker")
        BEAT = "beat", _("Beat")

    name = models.CharField(max_length=200, unique=True)  # "celery@host", "beat@host"
    role = models.CharField(max_length=10, choices=Role.choices)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.seen_at:%Y-%m-%d %H:%M:%S})"


class InterfaceLanguage(models.Model):
    """The interface language a signed-in person chose with the header's switch: it follows them
    to any browser, over the cookie and the browser's own preference."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interface_language"
    )
    code = models.CharField(max_length=10)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.code}"
