"""The report's words in the report's language (the active one: the report job runs inside
`translation.override`), each remembering its English.

Glossary terms are recognised in a table's English headings and titles (`poet.glossary`), so a
Welsh table still links the terms it uses: `terms_in` reads ``.english`` where a text has it.
"""

from __future__ import annotations

from django.utils import translation


class Words(str):
    """A text in the active language that keeps the English it was made from."""

    english: str


def _(message: str, **values: object) -> Words:
    """``message`` in the active language, its ``%(name)s`` placeholders filled from ``values``."""
    words = Words(translation.gettext(message) % values if values else translation.gettext(message))
    words.english = message % values if values else message
    return words


def ngettext(singular: str, plural: str, n: int, **values: object) -> Words:
    """The singular or plural of a message for ``n``, placeholders filled from ``values``."""
    values = {"count": n, **values}
    text = translation.ngettext(singular, plural, n) % values
    words = Words(text)
    words.english = (singular if n == 1 else plural) % values
    return words


def display_words(instance: object, field: str) -> Words:
    """``instance.get_<field>_display()`` (a model choice's label) in the active language,
    keeping its English, so the glossary still finds the terms it uses."""
    with translation.override("en-gb"):
        english = str(getattr(instance, f"get_{field}_display")())
    return _(english)
