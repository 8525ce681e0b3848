"""The words the analysis writes (key findings, the joint display's sentence), in the reader's
language without importing Django.

Analysis code marks its sentences with ``_("…")`` from here, so ``makemessages`` finds them;
``poet.apps`` points the hook at Django's ``gettext`` at start-up, so they come out in the active
language. Outside Django (benchmarks, a notebook) they stay in English.
"""

from __future__ import annotations

from collections.abc import Callable


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


_translate: Callable[[str], str] = str
_translate_plural: Callable[[str, str, int], str] = _english_plural


def use_translations(
    translate: Callable[[str], str], translate_plural: Callable[[str, str, int], str]
) -> None:
    """Called once at start-up by the Django app."""
    global _translate, _translate_plural
    _translate = translate
    _translate_plural = translate_plural


def _(message: str) -> str:
    """``message`` in the active language (English outside Django)."""
    return _translate(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the active language."""
    return _translate_plural(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Marks an English constant for translation where it is defined; ``_`` translates it where
    it is used."""
    return message
