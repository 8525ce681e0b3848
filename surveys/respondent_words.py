"""The words of the pages someone answering sees, in standard and easy-read wording.

Everything the product itself says to a respondent (headings, buttons, progress, privacy,
the character counter, hints) has both wordings here, so choosing easy read changes every word
on the page, not only the questions. The questionnaire's own texts carry their easy-read
wording with them (`Item.easy_read_text`, "Easy read:" paragraphs, outcome statements).
"""

from __future__ import annotations

import re
from contextvars import ContextVar

from django.utils import translation

STANDARD: dict[str, str] = {
    "start": "Start now",
    "carry_on": "Continue",
    "welcome_back": "Welcome back. Your answers so far are saved: carry on where you left off.",
    "why": "Why we are asking",
    "sections": "The survey has {count} section{plural}. You can save your answers and come "
    "back later{same_link}. Before you send them, you can check and change every answer.",
    "same_link": " with the same link",
    "privacy": "Your privacy",
    "privacy_staff": "Your answers are anonymous: we keep the organisation and staff group you "
    "belong to and the day you answer, nothing that links your answers to you or your e-mail "
    "address.",
    "privacy_others": "We do not keep your name. Your answers are kept with a code and the day "
    "you answer. You can stop taking part at any time: tell the person who gave you the link, "
    "and your answers will be deleted.",
    "come_back_heading": "Your link to come back",
    "come_back": "If you need to stop, choose “Save and come back later” on any page. To carry "
    "on later, keep this link: it is yours alone, so do not share it.",
    "no_questions": "This questionnaire has no questions yet.",
    "progress": "Section {number} of {count}",
    "continue": "Continue",
    "continue_last": "Continue to check your answers",
    "back": "Back",
    "save": "Save and come back later",
    "optional": " (optional)",
    "select_up_to": "Select up to {limit}.",
    "counter": "You can enter up to {limit} characters",
    "check_heading": "Check your answers before sending them",
    "change": "Change",
    "change_hidden": " your answer to: ",
    "send_heading": "Now send your answers",
    "send_staff": "When you send your answers you cannot change them. Nothing in them links "
    "back to you or your e-mail address.",
    "send_others": "When you send your answers you cannot change them. We keep them with a "
    "code, never your name.",
    "send": "Send your answers",
    "saved_heading": "Your answers are saved",
    "saved": "They have not been sent yet. Come back to finish and send them.",
    "how_back": "How to come back",
    "keep_link": "Keep this link to carry on where you left off. Anyone with the link can see "
    "and change your answers, so keep it to yourself.",
    "use_link_staff": "Use the link in your invitation e-mail again.",
    "use_link_others": "Use your link again.",
    "where_left": "It takes you back to where you left off.",
    "closes": "The survey closes when the evaluators say so: come back before then so your "
    "answers count.",
    "carry_on_now": "Carry on answering now",
    "thanks": "Thank you",
    "sent": "Your answers have been sent",
    "thanks_staff": "Your answers are stored without your name or e-mail address. They will be "
    "put together with your colleagues' answers to show how the partnership works and what it "
    "achieves for people; no figure about a small group is shown.",
    "thanks_others": "Your answers are kept with a code, never your name. They will be put "
    "together with other people's answers to show what matters to people and what has changed. "
    "No figure about a small group is shown.",
    "close_page": "You can close this page.",
    "run_by": "This survey is run by {partnership}.",
    "contact": "Questions about it? Contact {contact}.",
    "contact_staff": "Questions about it? Ask whoever sent you the invitation e-mail.",
    "contact_others": "Questions about it? Ask the person who gave you the link.",
    "rank": "Give 1 to the one that matters most, 2 to the next, and so on",
    "rank_optional": "; leave any you do not want to rank",
    "not_ranked": "Not ranked",
    "or": "or",
    "answer_one": "Answer at least one question before you send your answers",
    "too_many": "Select no more than {limit} for “{text}”",
}

EASY: dict[str, str] = {
    **STANDARD,
    "start": "Start",
    "carry_on": "Carry on",
    "welcome_back": "Welcome back. We kept your answers. Carry on from where you stopped.",
    "why": "Why we are asking you",
    "sections": "There {are} {count} page{plural} of questions. You can stop and come back "
    "later{same_link}. You can check your answers before you send them.",
    "same_link": ". Use the same link",
    "privacy": "Your answers are private",
    "privacy_others": "We do not keep your name. We keep your answers with a code. You can stop "
    "at any time. Tell the person who gave you the link. We will delete your answers.",
    "come_back_heading": "How to come back later",
    "come_back": "To stop, press “Save and stop for now”. Keep this link to come back. Do not "
    "give it to anyone else.",
    "no_questions": "There are no questions yet.",
    "progress": "Page {number} of {count}",
    "continue": "Next",
    "continue_last": "Next: check your answers",
    "back": "Go back",
    "save": "Save and stop for now",
    "optional": " (you can skip this)",
    "select_up_to": "Choose up to {limit}.",
    "counter": "You can write up to {limit} letters and spaces",
    "check_heading": "Check your answers",
    "change": "Change",
    "send_heading": "Send your answers",
    "send_others": "When you send your answers, you cannot change them. We do not keep your name.",
    "send": "Send my answers",
    "saved_heading": "We saved your answers",
    "saved": "We have not sent them yet. Come back to finish and send them.",
    "how_back": "How to come back",
    "keep_link": "Keep this link. It takes you back to your answers. Do not give it to anyone "
    "else.",
    "use_link_others": "Use your link again.",
    "where_left": "It takes you back to where you stopped.",
    "closes": "Come back soon. The survey will close.",
    "carry_on_now": "Carry on now",
    "thanks": "Thank you",
    "sent": "We have your answers",
    "thanks_others": "We do not keep your name. We put your answers with other people's "
    "answers. This shows what matters to people and what has changed.",
    "close_page": "You can close this page now.",
    "run_by": "{partnership} asks these questions.",
    "contact": "Any questions? Contact {contact}.",
    "contact_others": "Any questions? Ask the person who gave you the link.",
    "rank": "Put 1 next to the one that matters most to you. Put 2 next to the one that "
    "matters next most. Carry on like this",
    "rank_optional": ". You can leave some out",
    "not_ranked": "No number",
    "answer_one": "Answer one question or more. Then send your answers",
    "too_many": "You chose too many. Choose {limit} or fewer for “{text}”",
}

# The GOV.UK character count's live messages (its data-i18n options), easy read only.
EASY_COUNTER_MESSAGES: dict[str, str] = {
    "characters-under-limit.one": "You can write %{count} more letter or space",
    "characters-under-limit.other": "You can write %{count} more letters and spaces",
    "characters-at-limit": "You cannot write any more",
    "characters-over-limit.one": "You wrote %{count} letter or space too many",
    "characters-over-limit.other": "You wrote %{count} letters and spaces too many",
}


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


def words(easy_read: bool) -> dict[str, str]:
    """The page words in the wording chosen (and the wave's language, where it translates them)."""
    base = EASY if easy_read else STANDARD
    own = _own_words()
    if not own:
        return base
    return {
        key: (own.get(f"page.easy.{key}") if easy_read else None) or own.get(f"page.{key}", text)
        for key, text in base.items()
    }


def counter_messages(easy_read: bool) -> dict[str, str]:
    """The GOV.UK character count's live messages (easy read only; standard uses its own)."""
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
    """One of the page words, with its blanks filled in."""
    return fill_blanks(words(easy_read)[key], **values)
