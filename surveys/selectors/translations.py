"""A wave's questionnaire texts, their translations, and the questionnaire as a respondent reads
it in their language.

Every text to translate has a stable key naming its object and field (the PO file's msgctxt):

- ``staff.questionnaire.title`` (also ``introduction``, ``privacy_notice``, ``contact``)
- ``staff.section.2.title`` (``introduction``): sections by their number as respondents see it
- ``staff.item.Q1.text`` (``easy_read_text``, ``help_text``) and ``staff.item.Q1.option.yes``
- ``outcome.O-HOME.text`` (``easy_read_text``): outcome statements, shared by both questionnaires

(``follow_up.…`` for the service users' and carers' questionnaire). Empty texts need no
translation. An option that is an outcome statement, worded as the statement, takes the
statement's translation rather than one of its own.

A translation counts only while the English it was made from is the text's English today: a
changed English text makes its translation missing again, never stale.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from poet.models import OutcomeStatement, Wave
from surveys import respondent_words
from surveys.languages import ENGLISH, Language, language
from surveys.models import Item, Questionnaire, Section, Translation, WaveLanguage
from surveys.selectors.questionnaire_versions import latest_questionnaire

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Where a text is, in words (the Languages page and the PO file's comments), in the reader's
# language.
AUDIENCE_NAMES: dict[str, StrPromise] = {
    Questionnaire.For.STAFF: _("Staff questionnaire"),
    Questionnaire.For.FOLLOW_UP: _("Service users' and carers' questionnaire"),
}
QUESTIONNAIRE_FIELDS = {
    "title": _("title"),
    "introduction": _("introduction"),
    "privacy_notice": _("privacy notice"),
    "contact": _("contact"),
}
SECTION_FIELDS = {"title": _("title"), "introduction": _("introduction")}
ITEM_FIELDS = {
    "text": _("question"),
    "easy_read_text": _("easy-read wording"),
    "help_text": _("hint"),
}
OUTCOME_FIELDS = {"text": _("statement"), "easy_read_text": _("easy-read wording")}


@dataclass(frozen=True)
class Text:
    """One text to translate: its key, its English, and where it is in words."""

    key: str
    source: str
    where: str


def _option_values(item: Item) -> list[tuple[str, str]]:
    return [
        (str(c.get("value")), str(c.get("label", c.get("value"))))
        for c in item.choices or []
        if isinstance(c, dict)
    ]


def outcomes_of(questionnaire: Questionnaire) -> dict[str, OutcomeStatement]:
    """The outcome statements a questionnaire asks about, by code."""
    found = OutcomeStatement.objects.filter(
        items__section__questionnaire_id=questionnaire.pk
    ).distinct()
    return {o.code: o for o in found}


def _is_outcome_option(value: str, label: str, outcomes: dict[str, OutcomeStatement]) -> bool:
    outcome = outcomes.get(value)
    return outcome is not None and outcome.text == label


def _sections_of(questionnaire: Questionnaire) -> list[Section]:
    """The sections respondents see, numbered as they see them (as
    `surveys.services.answering.sections_of`, which callers holding them pass instead)."""
    sections = questionnaire.sections.order_by("order", "pk").prefetch_related("items__outcome")
    return [s for s in sections if s.items.all()]


def questionnaire_texts(
    questionnaire: Questionnaire, sections: list[Section] | None = None
) -> list[Text]:
    """Every non-empty text of one questionnaire version, outcome statements included."""
    aud = questionnaire.audience
    name = str(AUDIENCE_NAMES.get(aud, aud))
    texts = [
        Text(f"{aud}.questionnaire.{f}", getattr(questionnaire, f), f"{name}: {label}")
        for f, label in QUESTIONNAIRE_FIELDS.items()
    ]
    outcomes = outcomes_of(questionnaire)
    for number, section in enumerate(sections or _sections_of(questionnaire), start=1):
        texts += [
            Text(
                f"{aud}.section.{number}.{f}",
                getattr(section, f),
                gettext("%(questionnaire)s, section %(number)s: %(field)s")
                % {"questionnaire": name, "number": number, "field": label},
            )
            for f, label in SECTION_FIELDS.items()
        ]
        for item in section.items.all():
            where = gettext("%(questionnaire)s, question %(code)s") % {
                "questionnaire": name,
                "code": item.code,
            }
            texts += [
                Text(f"{aud}.item.{item.code}.{f}", getattr(item, f), f"{where}: {label}")
                for f, label in ITEM_FIELDS.items()
            ]
            texts += [
                Text(
                    f"{aud}.item.{item.code}.option.{value}",
                    label,
                    gettext("%(where)s: option %(value)s") % {"where": where, "value": value},
                )
                for value, label in _option_values(item)
                if not _is_outcome_option(value, label, outcomes)
            ]
    for code, outcome in sorted(outcomes.items()):
        texts += [
            Text(
                f"outcome.{code}.{f}",
                getattr(outcome, f),
                gettext("Outcome %(code)s: %(field)s") % {"code": code, "field": label},
            )
            for f, label in OUTCOME_FIELDS.items()
        ]
    return [t for t in texts if t.source.strip()]


# The product's own words on respondent pages ("Continue", the thank-you page, …): the interface's
# catalogue gives them in its languages (Welsh); every other language a wave offers translates
# them with the questionnaire, as ``page.<word>`` and ``page.easy.<word>`` (easy read, where its
# wording differs) and ``page.easy.counter.<message>`` (the easy-read character counter).
PAGE_WHERE = "Respondent pages"


def has_interface_catalogue(code: str) -> bool:
    """Whether the product's words come in this language from the interface's catalogue."""
    return code in {c for c, _ in settings.LANGUAGES}


def page_texts() -> list[Text]:
    """The respondent pages' own words to translate, each with the English it is."""
    texts = [
        Text(f"page.{key}", source, f"{PAGE_WHERE}: “{key}”")
        for key, source in respondent_words.STANDARD.items()
    ]
    texts += [
        Text(f"page.easy.{key}", source, f"{PAGE_WHERE}, easy read: “{key}”")
        for key, source in respondent_words.EASY.items()
        if respondent_words.STANDARD.get(key) != source
    ]
    texts += [
        Text(f"page.easy.counter.{key}", source, f"{PAGE_WHERE}, easy read: character count")
        for key, source in respondent_words.EASY_COUNTER_MESSAGES.items()
    ]
    return texts


def language_texts(wave: Wave, code: str, texts: list[Text] | None = None) -> list[Text]:
    """Everything a wave needs translated into `code`: its questionnaires' texts, and the pages'
    own words unless the interface's catalogue has the language."""
    texts = wave_texts(wave) if texts is None else texts
    return texts if has_interface_catalogue(code) else [*texts, *page_texts()]


def page_words(wave_id: int, code: str) -> dict[str, str]:
    """The pages' own words in `code` from the wave's translations (key → text), for the
    respondent pages; empty where the catalogue has the language."""
    if code == ENGLISH or has_interface_catalogue(code):
        return {}
    translations = translations_of(wave_id, code)
    return {
        text.key: translations[text.key][1]
        for text in page_texts()
        if is_translated(text, translations)
    }


def wave_texts(wave: Wave) -> list[Text]:
    """Every text of the wave's questionnaires (the newest version of each), each key once."""
    found: dict[str, Text] = {}
    for audience in Questionnaire.For.values:
        questionnaire = latest_questionnaire(wave, audience)
        if questionnaire is not None:
            for text in questionnaire_texts(questionnaire):
                found.setdefault(text.key, text)
    return list(found.values())


def translations_of(wave_id: int, code: str) -> dict[str, tuple[str, str]]:
    """key → (English it was made from, translation), in one query."""
    rows = Translation.objects.filter(wave_id=wave_id, language=code).values_list(
        "key", "source", "text"
    )
    return {key: (source, text) for key, source, text in rows}


def is_translated(text: Text, translations: dict[str, tuple[str, str]]) -> bool:
    found = translations.get(text.key)
    return found is not None and found[0] == text.source and bool(found[1].strip())


def offered_codes(wave: Wave | int) -> list[str]:
    """The codes of the languages the wave offers besides English, in settings order."""
    wave_id = wave if isinstance(wave, int) else wave.pk
    chosen = set(WaveLanguage.objects.filter(wave_id=wave_id).values_list("code", flat=True))
    return [lang.code for lang in _others() if lang.code in chosen]


def _others() -> list[Language]:
    from surveys.languages import other_languages

    return other_languages()


@dataclass
class LanguageStatus:
    """How far one offered language is translated."""

    language: Language
    total: int
    missing: list[Text] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.total - len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing


def language_statuses(wave: Wave, texts: list[Text] | None = None) -> list[LanguageStatus]:
    """For each language the wave offers besides English, what is still to translate."""
    texts = wave_texts(wave) if texts is None else texts
    statuses = []
    for code in offered_codes(wave):
        translations = translations_of(wave.pk, code)
        needed = language_texts(wave, code, texts)
        missing = [t for t in needed if not is_translated(t, translations)]
        statuses.append(LanguageStatus(language(code), len(needed), missing))
    return statuses


def respondent_languages(questionnaire: Questionnaire, sections: list[Section]) -> list[Language]:
    """The languages someone answering this questionnaire version may choose: English, then
    each language the wave offers whose translation of this version is complete."""
    result = [language(ENGLISH)]
    codes = offered_codes(questionnaire.wave_id)
    if not codes:
        return result
    texts = questionnaire_texts(questionnaire, sections)
    for code in codes:
        translations = translations_of(questionnaire.wave_id, code)
        needed = texts if has_interface_catalogue(code) else [*texts, *page_texts()]
        if all(is_translated(t, translations) for t in needed):
            result.append(language(code))
    return result


# The questionnaire in a respondent's language.

_TRANSLATED: dict[tuple, tuple[list[Section], dict[str, OutcomeStatement]]] = {}
_TRANSLATED_KEPT = 64


class _Words:
    def __init__(self, translations: dict[str, tuple[str, str]]) -> None:
        self.translations = translations

    def __call__(self, key: str, source: str) -> str:
        found = self.translations.get(key)
        if source and found is not None and found[0] == source and found[1].strip():
            return found[1]
        return source


def _translated_outcome(outcome: OutcomeStatement, words: _Words) -> OutcomeStatement:
    new = copy.copy(outcome)
    for f in OUTCOME_FIELDS:
        setattr(new, f, words(f"outcome.{outcome.code}.{f}", getattr(outcome, f)))
    return new


def _translated_item(
    item: Item,
    aud: str,
    words: _Words,
    english: dict[str, OutcomeStatement],
    outcomes: dict[str, OutcomeStatement],
) -> Item:
    new = copy.copy(item)
    for f in ITEM_FIELDS:
        setattr(new, f, words(f"{aud}.item.{item.code}.{f}", getattr(item, f)))
    choices = []
    for choice in item.choices or []:
        if isinstance(choice, dict):
            value, label = str(choice.get("value")), str(choice.get("label", choice.get("value")))
            if _is_outcome_option(value, label, english):
                label = outcomes[value].text
            else:
                label = words(f"{aud}.item.{item.code}.option.{value}", label)
            choice = {**choice, "label": label}
        choices.append(choice)
    new.choices = choices
    if item.outcome_id is not None and item.outcome is not None:
        new.outcome = outcomes.get(item.outcome.code) or _translated_outcome(item.outcome, words)
    return new


def _translated_sections(
    questionnaire: Questionnaire, sections: list[Section], words: _Words
) -> tuple[list[Section], dict[str, OutcomeStatement]]:
    aud = questionnaire.audience
    english = outcomes_of(questionnaire)
    outcomes = {code: _translated_outcome(o, words) for code, o in english.items()}
    result = []
    for number, section in enumerate(sections, start=1):
        new = copy.copy(section)
        # What the answering form keeps with a section is built again in this language.
        new.__dict__.pop("_answer_fields", None)
        new.__dict__["_outcomes_by_code"] = outcomes
        for f in SECTION_FIELDS:
            setattr(new, f, words(f"{aud}.section.{number}.{f}", getattr(section, f)))
        items = [_translated_item(i, aud, words, english, outcomes) for i in section.items.all()]
        # The copy's items are these, as if prefetched: `section.items.all()` gives them.
        prefetched: Any = section.items.all()._chain()  # type: ignore[attr-defined]
        prefetched._result_cache = items
        prefetched._prefetch_done = True
        new.__dict__["_prefetched_objects_cache"] = {"items": prefetched}
        result.append(new)
    return result, outcomes


def in_language(
    questionnaire: Questionnaire, sections: list[Section], code: str
) -> tuple[Questionnaire, list[Section], dict[str, OutcomeStatement] | None]:
    """The questionnaire, its sections and its outcome statements as a respondent reads them in
    `code`: copies with each translated text in place (English where a text has none), never
    saved. English is the objects themselves (and None for the outcomes: load them as usual).

    One query for the translations; a frozen version's translated sections are kept per process
    for as long as its translations stay the same, like `sections_of` keeps the English.
    """
    if code == ENGLISH:
        return questionnaire, sections, None
    translations = translations_of(questionnaire.wave_id, code)
    words = _Words(translations)
    new_questionnaire = copy.copy(questionnaire)
    for f in QUESTIONNAIRE_FIELDS:
        setattr(
            new_questionnaire,
            f,
            words(f"{questionnaire.audience}.questionnaire.{f}", getattr(questionnaire, f)),
        )
    if questionnaire.frozen_at is None:
        new_sections, outcomes = _translated_sections(questionnaire, sections, words)
        return new_questionnaire, new_sections, outcomes
    key = (questionnaire.pk, questionnaire.frozen_at, code, hash(frozenset(translations.items())))
    if key not in _TRANSLATED:
        if len(_TRANSLATED) >= _TRANSLATED_KEPT:
            _TRANSLATED.pop(next(iter(_TRANSLATED)))
        _TRANSLATED[key] = _translated_sections(questionnaire, sections, words)
    new_sections, outcomes = _TRANSLATED[key]
    return new_questionnaire, new_sections, outcomes
