"""The words of the pages someone answering sees, in standard and easy-read wording.

Everything the product itself says to a respondent (headings, buttons, progress, privacy,
the character counter, hints) has both wordings here, so choosing easy read changes every word
on the page, not only the questions. The questionnaire's own texts carry their easy-read
wording with them (`Item.easy_read_text`, "Easy read:" paragraphs, outcome statements).
"""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext

# The words are marked here in English (gettext_noop) and translated when they are looked up
# (`word`, `words`), in the language the page is drawn in. Two sources: the interface's
# catalogue, for its languages (a Welsh respondent's pages activate Welsh and read these from
# the Welsh catalogue); and, for a language the catalogue lacks (Urdu, Polish…), the wave's own
# translations of them (`use_wave_words`), else English: never a few words Django happens to
# know in that language ("Change") among English ones.

STANDARD: dict[str, str] = {
    "start": gettext_noop("Start now"),
    "carry_on": gettext_noop("Continue"),
    "welcome_back": gettext_noop(
        "Welcome back. Your answers so far are saved: carry on where you left off."
    ),
    "why": gettext_noop("Why we are asking"),
    # Not marked: the catalogue's languages say it by `_sections` (plural forms); a wave's own
    # translation (a language the catalogue lacks) translates this, blanks and all.
    "sections": "The survey has {count} section{plural}. You can save your answers and come "
    "back later{same_link}. Before you send them, you can check and change every answer.",
    "same_link": gettext_noop(" with the same link"),
    "privacy": gettext_noop("Your privacy"),
    "privacy_staff": gettext_noop(
        "Your answers are anonymous: we keep the organisation and staff group you "
        "belong to and the day you answer, nothing that links your answers to you or your e-mail "
        "address."
    ),
    "privacy_others": gettext_noop(
        "We do not keep your name. Your answers are kept with a code and the day "
        "you answer. You can stop taking part at any time: tell the person who gave you the link, "
        "and your answers will be deleted."
    ),
    "come_back_heading": gettext_noop("Your link to come back"),
    "come_back": gettext_noop(
        "If you need to stop, choose “Save and come back later” on any page. To carry "
        "on later, keep this link: it is yours alone, so do not share it."
    ),
    "no_questions": gettext_noop("This questionnaire has no questions yet."),
    "progress": gettext_noop("Section {number} of {count}"),
    "continue": gettext_noop("Continue"),
    "continue_last": gettext_noop("Continue to check your answers"),
    "back": gettext_noop("Back"),
    "save": gettext_noop("Save and come back later"),
    "optional": gettext_noop(" (optional)"),
    "select_up_to": gettext_noop("Select up to {limit}."),
    "counter": gettext_noop("You can enter up to {limit} characters"),
    "check_heading": gettext_noop("Check your answers before sending them"),
    "change": gettext_noop("Change"),
    "change_hidden": gettext_noop(" your answer to: "),
    "send_heading": gettext_noop("Now send your answers"),
    "send_staff": gettext_noop(
        "When you send your answers you cannot change them. Nothing in them links "
        "back to you or your e-mail address."
    ),
    "send_others": gettext_noop(
        "When you send your answers you cannot change them. We keep them with a "
        "code, never your name."
    ),
    "send": gettext_noop("Send your answers"),
    "saved_heading": gettext_noop("Your answers are saved"),
    "saved": gettext_noop("They have not been sent yet. Come back to finish and send them."),
    "how_back": gettext_noop("How to come back"),
    "keep_link": gettext_noop(
        "Keep this link to carry on where you left off. Anyone with the link can see "
        "and change your answers, so keep it to yourself."
    ),
    "use_link_staff": gettext_noop("Use the link in your invitation e-mail again."),
    "use_link_others": gettext_noop("Use your link again."),
    "where_left": gettext_noop("It takes you back to where you left off."),
    "closes": gettext_noop(
        "The survey closes when the evaluators say so: come back before then so your answers count."
    ),
    "carry_on_now": gettext_noop("Carry on answering now"),
    "thanks": gettext_noop("Thank you"),
    "sent": gettext_noop("Your answers have been sent"),
    "thanks_staff": gettext_noop(
        "Your answers are stored without your name or e-mail address. They will be "
        "put together with your colleagues' answers to show how the partnership works and what it "
        "achieves for people; no figure about a small group is shown."
    ),
    "thanks_others": gettext_noop(
        "Your answers are kept with a code, never your name. They will be put "
        "together with other people's answers to show what matters to people and what has changed. "
        "No figure about a small group is shown."
    ),
    "close_page": gettext_noop("You can close this page."),
    "run_by": gettext_noop("This survey is run by {partnership}."),
    "contact": gettext_noop("Questions about it? Contact {contact}."),
    "contact_staff": gettext_noop(
        "Questions about it? Ask whoever sent you the invitation e-mail."
    ),
    "contact_others": gettext_noop("Questions about it? Ask the person who gave you the link."),
    "rank": gettext_noop("Give 1 to the one that matters most, 2 to the next, and so on"),
    "rank_optional": gettext_noop("; leave any you do not want to rank"),
    "not_ranked": gettext_noop("Not ranked"),
    "or": gettext_noop("or"),
    "answer_one": gettext_noop("Answer at least one question before you send your answers"),
    "too_many": gettext_noop("Select no more than {limit} for “{text}”"),
}

EASY: dict[str, str] = {
    **STANDARD,
    "start": gettext_noop("Start"),
    "carry_on": gettext_noop("Carry on"),
    "welcome_back": gettext_noop(
        "Welcome back. We kept your answers. Carry on from where you stopped."
    ),
    "why": gettext_noop("Why we are asking you"),
    "sections": "There {are} {count} page{plural} of questions. You can stop and come back "
    "later{same_link}. You can check your answers before you send them.",
    "same_link": gettext_noop(". Use the same link"),
    "privacy": gettext_noop("Your answers are private"),
    "privacy_others": gettext_noop(
        "We do not keep your name. We keep your answers with a code. You can stop "
        "at any time. Tell the person who gave you the link. We will delete your answers."
    ),
    "come_back_heading": gettext_noop("How to come back later"),
    "come_back": gettext_noop(
        "To stop, press “Save and stop for now”. Keep this link to come back. Do not "
        "give it to anyone else."
    ),
    "no_questions": gettext_noop("There are no questions yet."),
    "progress": gettext_noop("Page {number} of {count}"),
    "continue": gettext_noop("Next"),
    "continue_last": gettext_noop("Next: check your answers"),
    "back": gettext_noop("Go back"),
    "save": gettext_noop("Save and stop for now"),
    "optional": gettext_noop(" (you can skip this)"),
    "select_up_to": gettext_noop("Choose up to {limit}."),
    "counter": gettext_noop("You can write up to {limit} letters and spaces"),
    "check_heading": gettext_noop("Check your answers"),
    "change": gettext_noop("Change"),
    "send_heading": gettext_noop("Send your answers"),
    "send_others": gettext_noop(
        "When you send your answers, you cannot change them. We do not keep your name."
    ),
    "send": gettext_noop("Send my answers"),
    "saved_heading": gettext_noop("We saved your answers"),
    "saved": gettext_noop("We have not sent them yet. Come back to finish and send them."),
    "how_back": gettext_noop("How to come back"),
    "keep_link": gettext_noop(
        "Keep this link. It takes you back to your answers. Do not give it to anyone else."
    ),
    "use_link_others": gettext_noop("Use your link again."),
    "where_left": gettext_noop("It takes you back to where you stopped."),
    "closes": gettext_noop("Come back soon. The survey will close."),
    "carry_on_now": gettext_noop("Carry on now"),
    "thanks": gettext_noop("Thank you"),
    "sent": gettext_noop("We have your answers"),
    "thanks_others": gettext_noop(
        "We do not keep your name. We put your answers with other people's "
        "answers. This shows what matters to people and what has changed."
    ),
    "close_page": gettext_noop("You can close this page now."),
    "run_by": gettext_noop("{partnership} asks these questions."),
    "contact": gettext_noop("Any questions? Contact {contact}."),
    "contact_others": gettext_noop("Any questions? Ask the person who gave you the link."),
    "rank": gettext_noop(
        "Put 1 next to the one that matters most to you. Put 2 next to the one that "
        "matters next most. Carry on like this"
    ),
    "rank_optional": gettext_noop(". You can leave some out"),
    "not_ranked": gettext_noop("No number"),
    "answer_one": gettext_noop("Answer one question or more. Then send your answers"),
    "too_many": gettext_noop("You chose too many. Choose {limit} or fewer for “{text}”"),
}

# The GOV.UK character count's live messages (its data-i18n options). Easy read always; the
# standard wording only on pages in another language than English (in English they are the
# GOV.UK component's own defaults, so English pages carry none).
STANDARD_COUNTER_MESSAGES: dict[str, str] = {
    "characters-under-limit.one": gettext_noop("You have %{count} character remaining"),
    "characters-under-limit.other": gettext_noop("You have %{count} characters remaining"),
    "characters-at-limit": gettext_noop("You have 0 characters remaining"),
    "characters-over-limit.one": gettext_noop("You have %{count} character too many"),
    "characters-over-limit.other": gettext_noop("You have %{count} characters too many"),
}

EASY_COUNTER_MESSAGES: dict[str, str] = {
    "characters-under-limit.one": gettext_noop("You can write %{count} more letter or space"),
    "characters-under-limit.other": gettext_noop("You can write %{count} more letters and spaces"),
    "characters-at-limit": gettext_noop("You cannot write any more"),
    "characters-over-limit.one": gettext_noop("You wrote %{count} letter or space too many"),
    "characters-over-limit.other": gettext_noop("You wrote %{count} letters and spaces too many"),
}


def _sections(easy_read: bool, count: int) -> str:
    """How many sections the survey has, a sentence whose words follow the number (Welsh has
    four plural forms)."""
    if easy_read:
        return ngettext(
            "There is {count} page of questions. You can stop and come back "
            "later{same_link}. You can check your answers before you send them.",
            "There are {count} pages of questions. You can stop and come back "
            "later{same_link}. You can check your answers before you send them.",
            count,
        )
    return ngettext(
        "The survey has {count} section. You can save your answers and come "
        "back later{same_link}. Before you send them, you can check and change every answer.",
        "The survey has {count} sections. You can save your answers and come "
        "back later{same_link}. Before you send them, you can check and change every answer.",
        count,
    )


# A wave's own translations of these words (``page.<word>``, ``page.easy.<word>``,
# ``page.easy.counter.<message>``) for a language the interface's catalogue lacks, with the
# language they are in: set by the respondent pages for the page being drawn, used only while
# that language is the active one (an e-mail drawn later in the same thread is not touched).
_wave_words: ContextVar[tuple[str, dict[str, str]]] = ContextVar(
    "respondent_wave_words", default=("", {})
)


def use_wave_words(code: str, translated: dict[str, str]) -> None:
    """The page being drawn is in `code`, and the wave translates these words so."""
    _wave_words.set((code, translated))


def _own_words() -> dict[str, str]:
    code, translated = _wave_words.get()
    return translated if translated and code == translation.get_language() else {}


def _has_catalogue() -> bool:
    """Whether the page's language is one the interface's catalogue translates these into."""
    return translation.get_language() in {code for code, _ in settings.LANGUAGES}


@functools.lru_cache(maxsize=64)
def _catalogue_words(language: str, chosen: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """``chosen`` through the catalogue of ``language`` (the active one), once per process:
    every question of every page asks for the same sixty words, and looking each up through
    gettext's chain of fallback catalogues was 40% of drawing a section (issue 19's load
    benchmark)."""
    return {key: gettext(text) for key, text in chosen}


@receiver(setting_changed)
def _forget_catalogue_words(*, setting: str, **kwargs) -> None:
    """What Django's own translation cache forgets on, so must this one (tests change them)."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _catalogue_words.cache_clear()


def _translated(chosen: dict[str, str]) -> dict[str, str]:
    return dict(_catalogue_words(translation.get_language(), tuple(chosen.items())))


def words(easy_read: bool) -> dict[str, str]:
    """The page words in the wording chosen, in the page's language: from the catalogue, or
    the wave's own translations where the catalogue lacks the language."""
    base = EASY if easy_read else STANDARD
    if _has_catalogue():
        return _translated(base)
    own = _own_words()
    if not own:
        return base
    return {
        key: (own.get(f"page.easy.{key}") if easy_read else None) or own.get(f"page.{key}", text)
        for key, text in base.items()
    }


def counter_messages(easy_read: bool) -> dict[str, str]:
    """The GOV.UK character count's live messages: easy read always; the standard wording in
    the catalogue's languages other than English (elsewhere the component's own English)."""
    if _has_catalogue():
        if easy_read:
            chosen = EASY_COUNTER_MESSAGES
        elif translation.get_language() != settings.LANGUAGE_CODE:
            chosen = STANDARD_COUNTER_MESSAGES
        else:
            return {}
        return _translated(chosen)
    if not easy_read:
        return {}
    own = _own_words()
    return {
        key: own.get(f"page.easy.counter.{key}", text)
        for key, text in EASY_COUNTER_MESSAGES.items()
    }


def fill_blanks(text: str, /, **values) -> str:
    """The text with its blanks ({count}) filled in; anything else in braces (a translator's
    slip) is shown as written rather than breaking the page."""
    if not values:
        return text
    return re.sub(
        r"\{(\w+)\}",
        lambda blank: str(values[blank[1]]) if blank[1] in values else blank[0],
        text,
    )


def word(key: str, easy_read: bool = False, **values) -> str:
    """One of the page words in the page's language, with its blanks filled in. "sections"
    takes its `count`: in the catalogue's languages a sentence per plural form (Welsh has
    four); a wave's own translation fills {plural} and {are} like the English."""
    if key == "sections" and _has_catalogue():
        text = _sections(easy_read, int(values.get("count", 0)))
    elif _has_catalogue():
        text = gettext((EASY if easy_read else STANDARD)[key])
    else:
        text = words(easy_read)[key]
    return fill_blanks(text, **values)
