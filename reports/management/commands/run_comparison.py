"""python manage.py run_comparison PARTNERSHIP WAVE: compute a wave's comparison and wait."""

from django.core.management.base import BaseCommand, CommandError

from poet.models import Job
from reports.management.waves import find_wave
from reports.models import DEFAULT_RESAMPLES, DEFAULT_SEED, ComparisonRun
from reports.services.comparison import start_comparison


class Command(BaseCommand):
    help = (
        "Compare staff answers with service users' and carers' for one wave, through the same "
        "task code the workers run, and wait for it. Exits non-zero with the reason on failure."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="Partnership slug")
        parser.add_argument("wave", help="Wave slug")
        parser.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, **options) -> None:
        wave = find_wave(options["partnership"], options["wave"])
        if options["resamples"] < 0 or options["seed"] < 0:
            raise CommandError("--resamples and --seed must be whole numbers of 0 or more.")
        job = start_comparison(
            wave, resamples=options["resamples"], seed=options["seed"], in_process=True
        )
        if job.status != Job.Status.SUCCEEDED:
            raise CommandError(f"The comparison failed: {job.error or job.message}")
        result = job.result or {}
        run = ComparisonRun.objects.get(pk=result["run"])
        rows = run.rows.all()
        how = (
            "reused (the answers and parameters have not changed)"
            if result.get("reused")
            else ("computed")
        )
        self.stdout.write(self.style.SUCCESS(f"Comparison run {run.pk} of {wave} {how}."))
        self.stdout.write(
            f"  {run.n_staff} staff, {run.n_users} service users and carers; "
            f"k={run.k}, {run.resamples} resamples, seed {run.seed}"
        )
        self.stdout.write(
            f"  {rows.count()} rows, {rows.filter(suppressed=True).count()} suppressed, "
            f"{rows.exclude(flag='').count()} flagged"
        )
        if run.timings:
            self.stdout.write(
                "  seconds: " + ", ".join(f"{key} {value}" for key, value in run.timings.items())
            )
