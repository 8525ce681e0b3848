"""python manage.py export_qdpx PARTNERSHIP WAVE --output FILE (issue 16, item 8)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.selectors.schedule import schedule_of
from outcomes.services.exchange import ExchangeError, export_project
from poet.selectors.waves import wave_by_slugs


class Command(BaseCommand):
    help = (
        "Write a wave's qualitative work as a REFI-QDA project (.qdpx) for NVivo, MAXQDA, "
        "ATLAS.ti and QualCoder: the same file as the codebook page's download (sources whose "
        "masking is confirmed, the codebook, the codings with coders pseudonymised, the memos)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="Partnership slug")
        parser.add_argument("wave", help="Wave slug")
        parser.add_argument("--output", required=True, help="File to write (.qdpx)")

    def handle(self, *args, **options) -> None:
        wave = wave_by_slugs(options["partnership"], options["wave"])
        if wave is None:
            raise CommandError(
                f'No wave "{options["wave"]}" in a partnership "{options["partnership"]}".'
            )
        schedule = schedule_of(wave)
        if schedule is None:
            raise CommandError(f"{wave} has no follow-up yet, so no sources or codebook to export.")
        try:
            data = export_project(schedule)
        except ExchangeError as exc:
            raise CommandError(str(exc)) from exc
        output = Path(options["output"])
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Could not write {output}: {exc.strerror}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote the REFI-QDA project of {wave} to {output}"))
