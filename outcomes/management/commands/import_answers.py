"""`python manage.py import_answers PARTNERSHIP WAVE FILE [--create]` (DESIGN §5 CSV)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.services.imports import ImportRefused, import_answers


class Command(BaseCommand):
    help = (
        "Import answers collected elsewhere (DESIGN §5 long CSV: respondent,audience,organisation,"
        "group,item,value) into a wave. All or nothing: a file with any bad row is refused whole, "
        "with a message per bad row on stderr."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("partnership", help="The partnership's slug.")
        parser.add_argument("wave", help="The wave's slug.")
        parser.add_argument("file", help="The CSV file (UTF-8, header row).")
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the partnership, wave, organisations, groups, outcome statements and "
            "questionnaires the file names when they are missing.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            result = import_answers(
                options["partnership"], options["wave"], path, create=options["create"]
            )
        except ImportRefused as refused:
            for message in refused.messages:
                self.stderr.write(message)
            raise CommandError(
                f"The file was refused ({refused.problems} "
                f"problem{'s' if refused.problems != 1 else ''}); nothing was stored."
            ) from None
        for what, names in result.created.items():
            self.stdout.write(f"Created {what.replace('_', ' ')}: {', '.join(names)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.answers} answers from {result.responses} respondents "
                f"({result.staff} staff, {result.service_users} service users, "
                f"{result.carers} carers) out of {result.rows} rows."
            )
        )
        for note in result.notes:
            self.stdout.write(note)
