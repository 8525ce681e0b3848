"""The languages a wave may offer its respondents (settings.RESPONDENT_LANGUAGES), by code.

English (settings.LANGUAGE_CODE) is every questionnaire's own language and always offered; the
others need a translation of every text first. A language's own name ("Cymraeg", "اردو") is how
the start page offers it, and whether it runs right to left is Django's own knowledge of it
(`get_language_info(code)["bidi"]`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language_info

ENGLISH: str = settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself
    english_name: str
    rtl: bool

    @property
    def dir(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def word(self) -> str:
        """ "Language" in this language."""
        return LANGUAGE_WORD.get(self.code, "Language")


def language(code: str) -> Language:
    """One of settings.RESPONDENT_LANGUAGES (KeyError for any other code)."""
    names = dict(settings.RESPONDENT_LANGUAGES)
    info = get_language_info(code)
    return Language(code, names[code], info["name"], bool(info["bidi"]))


def all_languages() -> list[Language]:
    return [language(code) for code, _ in settings.RESPONDENT_LANGUAGES]


def other_languages() -> list[Language]:
    """Every language a wave may add to English."""
    return [lang for lang in all_languages() if lang.code != ENGLISH]


def known_code(raw: str | None) -> str | None:
    """A code of settings.RESPONDENT_LANGUAGES for what a link or form says ("ur", "UR", "en",
    "en-GB"), or None."""
    if not raw:
        return None
    wanted = raw.strip().lower().replace("_", "-")
    codes = [code for code, _ in settings.RESPONDENT_LANGUAGES]
    if wanted in codes:
        return wanted
    base = wanted.split("-")[0]
    return next((code for code in codes if code.split("-")[0] == base), None)


# "Language" in each language, to head the start page's list of languages for people who do
# not read English.
LANGUAGE_WORD: dict[str, str] = {
    "en-gb": "Language",
    "cy": "Iaith",
    "ur": "زبان",
    "pl": "Język",
    "pa": "ਭਾਸ਼ਾ",
    "bn": "ভাষা",
    "ar": "اللغة",
    "ro": "Limba",
}
