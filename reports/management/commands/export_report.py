"""python manage.py export_report PARTNERSHIP WAVE --kind summative --format pdf --output FILE
[--language cy]."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from poet.models import Wave
from reports.exporters import report_formats
from reports.management.waves import find_wave
from reports.selectors.downloads import REPORT_KINDS
from reports.services.downloads import DownloadError, export_report


class Command(BaseCommand):
    help = (
        "Write the formative or summative report of a wave (from its latest comparison run) as "
        "PDF, XLSX, CSV or HTML, through the same exporters as the downloads page."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="Partnership slug")
        parser.add_argument("wave", help="Wave slug")
        parser.add_argument("--kind", required=True, choices=sorted(REPORT_KINDS))
        parser.add_argument(
            "--format", required=True, choices=sorted(e.identifier for e in report_formats())
        )
        parser.add_argument("--output", required=True, help="File to write")
        parser.add_argument("--compare-with", help="Slug of an earlier wave to show change from")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language the report is written in (default: English)",
        )

    def handle(self, *args, **options) -> None:
        wave = find_wave(options["partnership"], options["wave"])
        compare_with = None
        if options.get("compare_with"):
            compare_with = Wave.objects.filter(
                partnership=wave.partnership, slug=options["compare_with"]
            ).first()
            if compare_with is None:
                raise CommandError(
                    f"{wave.partnership} has no wave {options['compare_with']!r} to compare with."
                )
        output = options["output"]
        try:
            with open(output, "wb") as out:
                report = export_report(
                    wave,
                    options["kind"],
                    options["format"],
                    out,
                    compare_with=compare_with,
                    language=options["language"],
                )
        except DownloadError as exc:
            Path(output).unlink(missing_ok=True)  # no empty file left behind
            raise CommandError(
                f"{exc} (`python manage.py run_comparison {wave.partnership.slug} {wave.slug}`)"
            ) from exc
        except OSError as exc:
            raise CommandError(f"Could not write {output}: {exc.strerror}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote the {options['kind']} report of {wave} ({options['format']}, run "
                f"{report.run_id}) to {output}"
            )
        )
