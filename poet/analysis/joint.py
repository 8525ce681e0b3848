"""Whether numbers and words agree on an outcome: the joint display's sentence (issue 16, item 6).

Inputs are only what the joint display shows: the comparison flags of the outcome's shown rows
(staff v service users and carers, from the report's comparison run) and how many service users
and carers raised the outcome's themes, as shown (``None`` when the count is hidden: someone did,
how many is protected). The sentence never says more than those shown figures.
"""

from __future__ import annotations

from collections.abc import Iterable

from .text import _, gettext_noop, ngettext

STAFF_HIGHER_ACHIEVED = "over_estimated"
STAFF_HIGHER_IMPORTANT = "assumed_not_valued"
USERS_HIGHER = frozenset({"under_estimated", "blind_spot"})

# English, marked here and translated where `joint_sentence` returns them.
NO_WORDS = gettext_noop("No service user or carer spoke of it.")
NO_WORDS_STAFF_HIGHER = gettext_noop(
    "Staff rated it higher than service users and carers did, and no service user or carer "
    "spoke of it."
)
NO_NUMBERS = gettext_noop(
    "No comparison of ratings can be shown for it; service users' and carers' words are all "
    "there is."
)
OVER_ESTIMATED = gettext_noop(
    "Staff assume it is achieved; users' and carers' ratings say otherwise, and {spoke}."
)
ASSUMED = gettext_noop("Staff rate it as more important than users and carers do, though {spoke}.")
USERS_HIGHER_SENTENCE = gettext_noop("Users and carers rate it higher than staff do, and {spoke}.")
AGREE = gettext_noop(
    "Numbers and words agree: ratings show no clear difference between staff and service "
    "users and carers, and {spoke}."
)


def spoke_of(people: int | None) -> str:
    """How many service users and carers raised it, in words ('some' when the count is hidden)."""
    if people is None:
        return _("some of them spoke of it (how many is hidden to protect small groups)")
    return ngettext("%(count)s of them spoke of it", "%(count)s of them spoke of it", people) % {
        "count": people
    }


def joint_sentence(flags: Iterable[str], *, compared: bool, people: int | None) -> str:
    """One plain sentence on whether numbers and words converge for an outcome.

    ``flags``: the flags of the outcome's shown comparison rows ('' for none); ``compared``:
    whether any of its rows is shown with both sides' means; ``people``: service users and
    carers who raised its themes (0: nobody; None: hidden, so at least one)."""
    shown = {f for f in flags if f}
    staff_higher = bool(shown & {STAFF_HIGHER_ACHIEVED, STAFF_HIGHER_IMPORTANT})
    if people == 0:
        return _(NO_WORDS_STAFF_HIGHER if compared and staff_higher else NO_WORDS)
    if not compared:
        return _(NO_NUMBERS)
    spoke = spoke_of(people)
    if STAFF_HIGHER_ACHIEVED in shown:
        return _(OVER_ESTIMATED).format(spoke=spoke)
    if STAFF_HIGHER_IMPORTANT in shown:
        return _(ASSUMED).format(spoke=spoke)
    if shown & USERS_HIGHER:
        return _(USERS_HIGHER_SENTENCE).format(spoke=spoke)
    return _(AGREE).format(spoke=spoke)


__all__ = ["joint_sentence", "spoke_of"]
