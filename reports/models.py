"""Comparison runs: one computation of DESIGN §4 over a wave's answers, and its stored results.

A run row is written only when its computation has finished, in the same transaction as its result
rows, so a half-stored run can never be read. Queued/running/failed state, progress, error text,
attempts and timings of the work live on the `poet.Job` that computed it (`job`), the same job page
every background task uses; a start that found an identical finished run (same fingerprint, which
covers the input answers and the parameters) reuses it instead of computing again.

The formative and summative reports read these rows and JSON tables, never raw answers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from poet.models import Job, Wave

FLAG_LABELS = {  # English; the report translates them (gettext_noop marks them)
    "assumed_not_valued": gettext_noop("Assumed, not valued"),
    "blind_spot": gettext_noop("Blind spot"),
    "over_estimated": gettext_noop("Over-estimated"),
    "under_estimated": gettext_noop("Under-estimated"),
}
DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 0
COMPARISON_JOB = "comparison"  # the `poet.Job` kind of a comparison run
# The columns of a comparison row that say what it is about (never figures): a suppressed row
# keeps these and has every figure empty.
KEY_COLUMNS = frozenset(
    {"outcome", "measure", "breakdown", "group", "flag", "suppressed", "suppression"}
)


class ComparisonRun(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="comparison_runs")
    job = models.ForeignKey(
        Job,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comparison_runs",
        help_text="The background job that computed this run (status, progress, timings).",
    )
    k = models.PositiveSmallIntegerField(help_text="Minimum reporting group size used.")
    resamples = models.PositiveIntegerField(default=DEFAULT_RESAMPLES)
    seed = models.PositiveBigIntegerField(default=DEFAULT_SEED)
    celebrate_threshold = models.PositiveSmallIntegerField(default=70, help_text="% positive.")
    develop_threshold = models.PositiveSmallIntegerField(default=50, help_text="% positive.")
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the sorted input answers and the parameters."
    )
    n_outcome_answers = models.PositiveIntegerField(default=0)
    n_process_answers = models.PositiveIntegerField(default=0)
    n_staff = models.PositiveIntegerField(default=0)
    n_users = models.PositiveIntegerField(default=0)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per stage.")
    priority_agreement = models.JSONField(default=dict, blank=True)
    staff_consensus = models.JSONField(default=list, blank=True)
    top_picks = models.JSONField(default=list, blank=True)
    domain_summary = models.JSONField(default=list, blank=True)
    organisation_spread = models.JSONField(default=list, blank=True)
    staff_summary = models.JSONField(
        default=list, blank=True, help_text="All-staff figures per outcome measure (shortlist)."
    )
    disclosure_note = models.JSONField(
        default=list,
        blank=True,
        help_text="Every margin of every figure of this release: its people and why it is "
        "hidden (primary, secondary, over_time; empty when shown).",
    )
    members = models.JSONField(
        default=dict,
        blank=True,
        help_text="Response ids behind each cell, so a later release can count who changed.",
    )
    users_left_out = models.BooleanField(
        default=False, help_text="The follow-up was still collecting: users' answers left out."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(
        db_index=True, help_text="When this run was last computed or reused: the latest is shown."
    )

    class Meta:
        ordering = ["-used_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "fingerprint"], name="comparison_run_unique_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"Comparison run {self.pk} of {self.wave}"

    @property
    def parameters(self) -> dict[str, int]:
        return {
            "k": self.k,
            "resamples": self.resamples,
            "seed": self.seed,
            "celebrate_threshold": self.celebrate_threshold,
            "develop_threshold": self.develop_threshold,
        }


class ComparisonRow(models.Model):
    """One outcome × measure × breakdown group, with exactly the columns of the CSV export."""

    run = models.ForeignKey(ComparisonRun, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(help_text="Order of the analysis output.")
    outcome = models.CharField(max_length=30)
    measure = models.CharField(max_length=12)
    breakdown = models.CharField(max_length=20)
    group = models.CharField(max_length=200)
    n_staff = models.PositiveIntegerField(null=True, blank=True)
    mean_staff = models.FloatField(null=True, blank=True)
    sd_staff = models.FloatField(null=True, blank=True)
    median_staff = models.FloatField(null=True, blank=True)
    pct_positive_staff = models.FloatField(null=True, blank=True)
    n_users = models.PositiveIntegerField(null=True, blank=True)
    mean_users = models.FloatField(null=True, blank=True)
    sd_users = models.FloatField(null=True, blank=True)
    median_users = models.FloatField(null=True, blank=True)
    pct_positive_users = models.FloatField(null=True, blank=True)
    mean_diff = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    u_statistic = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    q_value = models.FloatField(null=True, blank=True)
    cliffs_delta = models.FloatField(null=True, blank=True)
    flag = models.CharField(max_length=30, blank=True)
    suppressed = models.BooleanField(default=False)
    suppression = models.CharField(
        max_length=12, blank=True, help_text="Why hidden: primary, secondary or over_time."
    )

    class Meta:
        ordering = ["run", "position"]
        indexes = [models.Index(fields=["run", "breakdown"], name="comparison_row_breakdown")]

    def __str__(self) -> str:
        return f"{self.outcome} {self.measure} {self.breakdown}={self.group}"

    @property
    def flag_label(self) -> str:
        return FLAG_LABELS.get(self.flag, self.flag)
