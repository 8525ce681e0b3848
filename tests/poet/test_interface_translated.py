"""Issue 17, item 1: the whole interface in English and Welsh.

Two checks keep it whole as the product grows: every template's visible text is marked for
translation (a scan of the templates, with an allow-list for codes and names), and every marked
message has a Welsh translation in the catalogue (`manage.py interface_messages --check`,
which extracts the messages afresh, so a newly marked string without Welsh fails too).
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [
    ROOT / "templates",
    *sorted(ROOT.glob("*/templates")),
    *sorted(ROOT.glob("*/jinja2")),
]
PLACEHOLDER = "\x00"

# Visible words that are the same in every language: names, codes, units and file formats.
ALLOWED_WORDS = {
    "POET",
    "CSV",
    "XLSX",
    "PDF",
    "HTML",
    "JSON",
    "PO",
    "QDPX",
    "QDC",
    "REFI",
    "QDA",
    "OpenAPI",
    "API",
    "TOTP",
    "URL",
    "ID",
    "SD",
    "IQR",
    "curl",
    "httr",
    "Python",
    "English",
    "Cymraeg",
}
VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
# Inside these block tags the text is translated (or not shown).
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


def templates() -> list[Path]:
    found: list[Path] = []
    for folder in TEMPLATE_DIRS:
        found += sorted(p for p in folder.rglob("*") if p.suffix in {".html", ".txt"})
    return found


def untranslated_parts(source: str) -> str:
    """The template's own text outside translation tags, other tags and variables as
    placeholders."""
    parts: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            closing = SKIPPED_BLOCKS.get(name)
            parts.append(PLACEHOLDER)
        elif token.token_type == TokenType.VAR:
            parts.append(PLACEHOLDER)
    return "".join(parts)


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.hidden_depth += 1
        attributes = dict(attrs)
        for name, value in attrs:
            shown = name in VISIBLE_ATTRIBUTES or (
                # An input button shows its value; a <button>'s value is only sent, never shown.
                name == "value"
                and tag == "input"
                and attributes.get("type") in {"submit", "button", "reset"}
            )
            if shown and value:
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.found.append(data)


def words_needing_translation(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_]{2,}(?:[’'-][^\W\d_]+)*", text.replace(PLACEHOLDER, " "))
    return [w for w in words if w not in ALLOWED_WORDS]


def untranslated_text(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    own = untranslated_parts(source)
    if path.suffix == ".txt":
        pieces = [own]
    else:
        parser = VisibleText()
        parser.feed(own)
        pieces = parser.found
    return [
        " ".join(p.replace(PLACEHOLDER, " … ").split())
        for p in pieces
        if words_needing_translation(p)
    ]


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_template_marks_its_visible_text_for_translation(path: Path) -> None:
    found = untranslated_text(path)
    assert not found, f"{path.relative_to(ROOT)} shows text not marked for translation: {found}"


def test_the_scan_finds_text_outside_translation_tags() -> None:
    source = (
        '{% load i18n %}<h1>{% translate "Done" %}</h1><p>Hello {{ name }}</p>'
        '<img alt="A chart" src="x">{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}'
        "<script>var shown = 'no';</script><span>POET 12 %</span>"
    )
    parser = VisibleText()
    parser.feed(untranslated_parts(source))
    flagged = [p for p in parser.found if words_needing_translation(p)]
    assert flagged == ["Hello " + PLACEHOLDER, "A chart"]


@pytest.mark.django_db
def test_every_message_of_the_interface_has_a_welsh_translation(tmp_path: Path) -> None:
    """Extract the messages afresh into a copy of the catalogues: a message marked in the code
    but missing from the catalogue, or there without Welsh, fails."""
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext (msgfmt) is needed: apt-get install gettext")
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    with override_settings(LOCALE_PATHS=[locale]):
        call_command("interface_messages", "--check", "--no-compile", verbosity=0)
        call_command("compilemessages", locale=["cy"], verbosity=0, ignore_patterns=[".venv/*"])
    catalogue = polib.pofile(str(locale / "cy" / "LC_MESSAGES" / "django.po"))
    assert catalogue.percent_translated() == 100
    assert not catalogue.fuzzy_entries()
    compiled = polib.mofile(str(locale / "cy" / "LC_MESSAGES" / "django.mo"))
    committed = polib.mofile(str(ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.mo"))

    def as_pairs(mo):
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo
        }

    assert as_pairs(committed) == as_pairs(compiled), (
        "locale/cy/LC_MESSAGES/django.mo is not the compiled catalogue: run "
        "python manage.py interface_messages"
    )
