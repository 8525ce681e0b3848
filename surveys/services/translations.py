"""The languages a wave offers, and its translations in and out as PO files.

Translators work outside POET, in the tools they know (Poedit, Weblate, a text editor): a wave's
texts go out as a PO file per language (msgctxt = the text's stable key, msgid = its English,
msgstr = the translation so far) and come back the same way. A file comes in whole or not at all:
every string is checked first and any problem (a syntax error, a string without a translation, a
key the wave does not have, English that has changed since the file was made) refuses the file
with every problem named, and nothing is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polib
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from poet.models import Wave
from poet.services import record_audit
from surveys.errors import SurveyError
from surveys.languages import ENGLISH, language, other_languages
from surveys.models import Questionnaire, Translation, WaveLanguage
from surveys.selectors.translations import (
    Text,
    has_interface_catalogue,
    is_translated,
    language_texts,
    offered_codes,
    page_texts,
    questionnaire_texts,
    translations_of,
)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TRANSLATION_CHARACTERS = 5000
EASY_READ = "Easy read:"
MAX_LISTED = 20  # problems named one by one before "and N more"


class TranslationFileError(SurveyError):
    """A translation file refused whole: every problem found, each naming its string."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_LISTED]
        more = len(problems) - len(shown)
        listed = "; ".join(shown)
        super().__init__(
            _("The file was not imported (nothing was saved): %(problems)s; and %(more)s more.")
            % {"problems": listed, "more": more}
            if more
            else _("The file was not imported (nothing was saved): %(problems)s.")
            % {"problems": listed}
        )


@transaction.atomic
def set_languages(wave: Wave, codes: list[str], *, actor=None) -> None:
    """The languages the wave offers besides English. Translations of a language taken off are
    kept, so adding it back needs none of them again."""
    allowed = {lang.code for lang in other_languages()}
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise SurveyError(_("POET does not offer %(codes)s.") % {"codes": ", ".join(unknown)})
    before = set(offered_codes(wave))
    wanted = set(codes)
    WaveLanguage.objects.filter(wave=wave).exclude(code__in=wanted).delete()
    WaveLanguage.objects.bulk_create(
        [WaveLanguage(wave=wave, code=c) for c in sorted(wanted - before)]
    )
    if wanted != before:
        record_audit(
            "wave.languages_changed",
            actor=actor,
            partnership=wave.partnership,
            target=str(wave),
            added=sorted(wanted - before),
            removed=sorted(before - wanted),
        )


def check_translations(questionnaire: Questionnaire) -> None:
    """Refuse to open or publish a questionnaire some offered language lacks texts of."""
    codes = offered_codes(questionnaire.wave_id)
    if not codes:
        return
    texts = questionnaire_texts(questionnaire)
    short = []
    for code in codes:
        translations = translations_of(questionnaire.wave_id, code)
        needed = texts if has_interface_catalogue(code) else [*texts, *page_texts()]
        missing = [t for t in needed if not is_translated(t, translations)]
        if missing:
            short.append(
                _("%(language)s lacks %(count)s")
                % {"language": _language_name(code), "count": len(missing)}
            )
    if short:
        raise SurveyError(
            _(
                "Some languages the wave offers are not fully translated (%(short)s): import "
                "their translations on the wave's Languages page, or take the language off."
            )
            % {"short": "; ".join(short)}
        )


def po_filename(wave: Wave, code: str) -> str:
    return f"{wave.partnership.slug}-{wave.slug}-{code}.po"


def export_po(wave: Wave, code: str, *, actor=None) -> bytes:
    """The wave's texts as a PO file for translators into `code`, with what is translated so
    far filled in (a translation of English that has changed since is left out)."""
    _check_offered(wave, code)
    lang = language(code)
    translations = translations_of(wave.pk, code)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"POET {wave.partnership.name}: {wave.name}",
        "Language": code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "PO-Revision-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
    }
    po.header = (
        f"Texts of {wave.name} ({wave.partnership.name}) for translation into "
        f"{lang.english_name} ({lang.name}).\n"
        "Translate each msgstr; keep every msgctxt as it is. Paragraphs starting "
        f"“{EASY_READ}” are the easy-read wording: keep that marker in English."
    )
    for text in language_texts(wave, code):
        found = translations.get(text.key)
        current = found[1] if found and is_translated(text, translations) else ""
        names = placeholders(text.source) if text.key.startswith("page.") else set()
        po.append(
            polib.POEntry(
                msgctxt=text.key,
                msgid=text.source,
                msgstr=current,
                comment=text.where
                + (f"\nKeep {', '.join(sorted(names))} as they are." if names else ""),
            )
        )
    record_audit(
        "translations.exported",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        language=code,
    )
    return str(po).encode("utf-8")


def _language_name(code: str) -> str:
    """The language's name in the reader's language ("Welsh", "Cymraeg")."""
    return str(get_language_info(code)["name_translated"])


def _check_offered(wave: Wave, code: str) -> None:
    if code == ENGLISH or code not in offered_codes(wave):
        raise SurveyError(_("Add the language to the wave's languages first."))


def _parse(content: bytes) -> polib.POFile:
    if len(content) > MAX_FILE_BYTES:
        raise TranslationFileError(
            [
                _("the file is over %(megabytes)s MB")
                % {"megabytes": MAX_FILE_BYTES // (1024 * 1024)}
            ]
        )
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TranslationFileError([_("the file is not UTF-8 text: save it as UTF-8")]) from None
    if not decoded.strip():
        raise TranslationFileError([_("the file is empty")])
    try:
        return polib.pofile(decoded, wrapwidth=0)
    except (OSError, ValueError) as error:
        detail = re.sub(r"\s+", " ", str(error)).strip()
        raise TranslationFileError(
            [_("it is not a readable PO file (%(detail)s)") % {"detail": detail}]
        ) from None


def placeholders(text: str) -> set[str]:
    """The blanks a page word has ({count}, %{count}), which the page fills in."""
    return set(re.findall(r"%?\{\w+\}", text))


# Blanks that only make the English grammatical ("section{plural}"): a language may drop them.
GRAMMAR_BLANKS = {"{plural}", "{are}", "{same_link}"}


def page_word_problem(source: str, translation: str) -> str | None:
    """What a translation of a page word loses, or None: a blank that carries information
    ({count}, {limit}, …) left out, or a blank the English does not have (shown as written).
    A warning, not a refusal: the page fills in the blanks it finds and never breaks."""
    wanted, found = placeholders(source), placeholders(translation)
    lost = (wanted - GRAMMAR_BLANKS) - found
    if lost:
        return _("the blanks %(blanks)s are left out, so the page cannot show them") % {
            "blanks": ", ".join(sorted(lost))
        }
    if found - wanted:
        return (
            f"{', '.join(sorted(found - wanted))} is not a blank of the English: shown as written"
        )
    return None


def page_word_warnings(found: dict[str, tuple[str, str]]) -> list[str]:
    """The imported page words whose blanks differ from the English (see page_word_problem)."""
    warnings = []
    for key, (source, text) in sorted(found.items()):
        problem = page_word_problem(source, text) if key.startswith("page.") else None
        if problem:
            warnings.append(f"{key}: {problem}")
    return warnings


def _easy_read_count(text: str) -> int:
    paragraphs = text.replace("\r\n", "\n").split("\n\n")
    return sum(1 for p in paragraphs if p.strip().startswith(EASY_READ))


def _entry_problems(entry: polib.POEntry, text: Text | None, label: str) -> list[str]:
    if text is None:
        return [
            _("%(where)s: the wave has no such text (was the file made for another wave?)")
            % {"where": label}
        ]
    if entry.msgid_plural:
        return [_("%(where)s: a plural form, which POET's texts never have") % {"where": label}]
    if entry.msgid != text.source:
        return [
            _(
                "%(where)s: its English has changed since the file was made; download the file "
                "again and translate the new English"
            )
            % {"where": label}
        ]
    if not entry.msgstr.strip():
        return [_("%(where)s: the translation is missing") % {"where": label}]
    if "fuzzy" in entry.flags:
        return [
            _("%(where)s: marked fuzzy (needs checking); check it and remove the mark")
            % {"where": label}
        ]
    if len(entry.msgstr) > MAX_TRANSLATION_CHARACTERS:
        return [
            _("%(where)s: the translation is over %(most)s characters")
            % {"where": label, "most": MAX_TRANSLATION_CHARACTERS}
        ]
    if _easy_read_count(entry.msgstr) != _easy_read_count(entry.msgid):
        return [
            _("%(where)s: keep one “%(marker)s” paragraph for each in the English (%(count)s)")
            % {"where": label, "marker": EASY_READ, "count": _easy_read_count(entry.msgid)}
        ]
    return []


@dataclass(frozen=True)
class ImportResult:
    language: str
    saved: int
    warnings: tuple[str, ...] = ()


def check_po(wave: Wave, code: str, content: bytes) -> dict[str, tuple[str, str]]:
    """key → (English, translation) of a translation file, or TranslationFileError naming
    every problem. Saves nothing."""
    _check_offered(wave, code)
    po = _parse(content)
    problems = []
    declared = (po.metadata.get("Language") or "").strip()
    if declared and declared.lower().replace("_", "-") != code:
        problems.append(
            _("the file is for the language “%(declared)s”, not %(language)s (%(code)s)")
            % {"declared": declared, "language": _language_name(code), "code": code}
        )
    texts = {t.key: t for t in language_texts(wave, code)}
    found: dict[str, tuple[str, str]] = {}
    for entry in po:
        if entry.obsolete:
            continue
        label = _("line %(number)s") % {"number": entry.linenum}
        if not entry.msgctxt:
            problems.append(_("%(where)s: a string without its key (msgctxt)") % {"where": label})
            continue
        label = f"{label} ({entry.msgctxt})"
        if entry.msgctxt in found:
            problems.append(_("%(where)s: the key appears twice") % {"where": label})
            continue
        entry_problems = _entry_problems(entry, texts.get(entry.msgctxt), label)
        problems += entry_problems
        if not entry_problems:
            found[entry.msgctxt] = (entry.msgid, entry.msgstr)
    absent = [key for key in texts if key not in found and key not in _keys(po)]
    problems += [_("%(key)s: not in the file") % {"key": key} for key in absent]
    if problems:
        raise TranslationFileError(problems)
    return found


def _keys(po: polib.POFile) -> set[str]:
    return {entry.msgctxt for entry in po if entry.msgctxt and not entry.obsolete}


@transaction.atomic
def import_po(wave: Wave, code: str, content: bytes, *, actor=None) -> ImportResult:
    """Import a translated PO file whole, or refuse it whole (TranslationFileError)."""
    found = check_po(wave, code, content)
    existing = {
        t.key: t
        for t in Translation.objects.select_for_update().filter(
            wave=wave, language=code, key__in=found
        )
    }
    changed, new = [], []
    for key, (source, text) in found.items():
        row = existing.get(key)
        if row is None:
            new.append(Translation(wave=wave, language=code, key=key, source=source, text=text))
        elif (row.source, row.text) != (source, text):
            row.source, row.text = source, text
            changed.append(row)
    Translation.objects.bulk_create(new)
    now = timezone.now()
    for row in changed:
        row.updated_at = now
    Translation.objects.bulk_update(changed, ["source", "text", "updated_at"])
    record_audit(
        "translations.imported",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        language=code,
        strings=len(found),
        changed=len(new) + len(changed),
    )
    return ImportResult(code, len(found), tuple(page_word_warnings(found)))


@transaction.atomic
def save_translations(wave: Wave, code: str, texts: dict[str, str], *, actor=None) -> int:
    """Translations written in code (the demo, other tools): key → translation of the wave's
    current English. Keys the wave does not have are refused."""
    _check_offered(wave, code)
    sources = {t.key: t.source for t in language_texts(wave, code)}
    unknown = sorted(set(texts) - set(sources))
    if unknown:
        raise SurveyError(_("The wave has no texts %(keys)s.") % {"keys": ", ".join(unknown)})
    for key, text in texts.items():
        Translation.objects.update_or_create(
            wave=wave,
            language=code,
            key=key,
            defaults={"source": sources[key], "text": text},
        )
    record_audit(
        "translations.saved",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        language=code,
        strings=len(texts),
    )
    return len(texts)
