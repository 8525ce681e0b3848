"""python manage.py export_comparison PARTNERSHIP WAVE --output FILE: the latest run as CSV."""

from django.core.management.base import BaseCommand, CommandError

from reports.management.waves import find_wave
from reports.selectors.runs import latest_run
from reports.services.downloads import export_comparison


class Command(BaseCommand):
    help = (
        "Write the latest finished comparison run of a wave as CSV: one row per outcome x "
        "measure x breakdown group, suppressed rows with every figure empty."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="Partnership slug")
        parser.add_argument("wave", help="Wave slug")
        parser.add_argument("--output", required=True, help="CSV file to write ('-' for stdout)")

    def handle(self, *args, **options) -> None:
        wave = find_wave(options["partnership"], options["wave"])
        run = latest_run(wave)
        if run is None:
            raise CommandError(
                f"{wave} has no finished comparison run yet: run "
                f"`python manage.py run_comparison {wave.partnership.slug} {wave.slug}` first."
            )
        output = options["output"]
        if output == "-":
            count = export_comparison(run, self.stdout)
        else:
            try:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    count = export_comparison(run, out)
            except OSError as exc:
                raise CommandError(f"Could not write {output}: {exc.strerror}") from exc
        if output != "-":
            self.stdout.write(self.style.SUCCESS(f"Wrote {count} rows of run {run.pk} to {output}"))
