"""Extract every message of the interface into the Welsh catalogue, fill what the translators'
parts already say, compile it, and list what is still untranslated.

    python manage.py interface_messages            # update locale/cy and compile it
    python manage.py interface_messages --check    # also fail while any message lacks Welsh
    python manage.py interface_messages --check --only surveys/templates/surveys/respond

Translations may arrive as extra PO files in ``locale/<lang>/parts/`` (from a translator, or a
branch that added messages): they fill any message the catalogue has no translation for yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands import makemessages

# What is not the product's own interface: tests, benchmarks, the environment, built files.
IGNORED = [
    ".venv/*",
    "venv/*",
    "node_modules/*",
    "staticfiles/*",
    "tests/*",
    "benchmarks/*",
    "docs/*",
    "media/*",
    "private/*",
    "static/vendor/*",
]
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class Extract(makemessages.Command):
    # A new message never borrows a similar old message's translation: Welsh for a different
    # English sentence is worse than none, and the check below would not see it.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]


def catalogue_path(code: str, locale_root: Path) -> Path:
    return locale_root / code / "LC_MESSAGES" / "django.po"


def fill_from_parts(catalogue: polib.POFile, parts_dir: Path) -> int:
    """Empty translations filled from the parts' PO files; the number filled."""
    known: dict[tuple[str | None, str], polib.POEntry] = {}
    for part in sorted(parts_dir.glob("*.po")):
        for entry in polib.pofile(str(part)):
            if entry.translated():
                known.setdefault((entry.msgctxt, entry.msgid), entry)
    filled = 0
    for entry in catalogue:
        if entry.obsolete or entry.translated():
            continue
        found = known.get((entry.msgctxt, entry.msgid))
        if found is None:
            continue
        entry.msgstr = found.msgstr
        entry.msgstr_plural = dict(found.msgstr_plural)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    return filled


def untranslated(catalogue: polib.POFile, only: list[str]) -> list[polib.POEntry]:
    """Messages with no translation (or only a fuzzy one), where one of ``only`` uses them."""
    missing = [e for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    if only:
        missing = [e for e in missing if any(f.startswith(tuple(only)) for f, _ in e.occurrences)]
    return missing


class Command(BaseCommand):
    help = "Extract, fill from locale/<lang>/parts, compile and check the interface's catalogues."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Fail on any untranslated message."
        )
        parser.add_argument(
            "--only", nargs="*", default=[], help="Check only messages used under these paths."
        )
        parser.add_argument("--no-compile", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        locale_root = Path(settings.LOCALE_PATHS[0])
        for code in TRANSLATED:
            call_command(
                Extract(),
                locale=[code],
                ignore_patterns=IGNORED,
                add_location="file",
                no_obsolete=True,
                verbosity=0,
            )
            path = catalogue_path(code, locale_root)
            catalogue = polib.pofile(str(path), wrapwidth=100)
            filled = fill_from_parts(catalogue, locale_root / code / "parts")
            if filled:
                catalogue.save()
            missing = untranslated(catalogue, options["only"])
            self.stdout.write(
                f"{code}: {len(catalogue)} messages, {filled} filled from parts, "
                f"{len(missing)} untranslated"
            )
            for entry in missing[:200]:
                where = ", ".join(f for f, _ in entry.occurrences[:3])
                self.stdout.write(f"  {where}: {entry.msgid[:90]!r}")
            if options["check"] and missing:
                raise CommandError(f"{len(missing)} messages have no {code} translation.")
        if not options["no_compile"]:
            call_command("compilemessages", locale=TRANSLATED, ignore_patterns=IGNORED, verbosity=0)
