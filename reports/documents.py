"""A report as data: the one structure that the page and every exporter (PDF, XLSX, CSV, HTML)
render, so a figure hidden for a small group is hidden everywhere by construction.

Builders (`reports/content/`) read stored comparison runs and produce a `Report`; exporters
(`reports/exporters/`) and the on-screen templates only lay it out. Nothing here queries the
database or computes a statistic.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from poet.analysis import PRIMARY, hidden_text
from poet.glossary import TERMS, Term


def english(text: str) -> str:
    """The English a report text was made from: what `reports.content.words` remembered, else
    the catalogue's English for a whole translated message (a heading another app translated
    with plain gettext), else the text."""
    found = getattr(text, "english", None)
    if found is not None:
        return str(found)
    return _english_of(translation.get_language() or "").get(text, text)


@functools.lru_cache(maxsize=8)
def _english_of(language: str) -> dict[str, str]:
    """The active catalogue read backwards: each whole translation → its English."""
    if not language or language == settings.LANGUAGE_CODE:
        return {}
    catalogue = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    backwards: dict[str, str] = {}
    for msgid, msgstr in catalogue.items():
        if isinstance(msgid, str) and isinstance(msgstr, str) and "\x04" not in msgid:
            backwards.setdefault(msgstr, msgid)
    return backwards


@dataclass(frozen=True)
class Hidden:
    """A cell about fewer than k people, hidden so that one cannot be worked out, or hidden
    because too few people changed since an earlier release: ``reason`` says which."""

    k: int
    reason: str = PRIMARY

    def __str__(self) -> str:
        return hidden_text(self.reason, self.k)


class Link(str):
    """Text that points to another table of the same report (by its key): the page, HTML and
    PDF make it a link; every other format, being given a str, writes the text."""

    table: str

    def __new__(cls, text: str, table: str) -> Link:
        link = super().__new__(cls, text)
        link.table = table
        return link


Cell = str | int | float | None | Hidden  # None: no figure (e.g. not asked), not suppression


@dataclass(frozen=True)
class Table:
    key: str  # stable and unique in a report: XLSX sheet and CSV names come from it
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"Table {self.key}: a row has {len(row)} cells, not {len(self.columns)}"
                )


@dataclass(frozen=True)
class Chart:
    """An interactive chart, always with its numbers as a table beside it."""

    key: str
    title: str
    figure: dict  # a Plotly figure as plain JSON data (`fig.to_plotly_json()`)
    table: Table
    description: str  # one or two sentences saying what the chart shows, for screen readers


Block = Table | Chart


@dataclass(frozen=True)
class Quotation:
    """A passage quoted in a report (the joint display's picked quotes): masked text, and who
    said it by audience and session type only, never a person."""

    text: str
    attribution: str  # e.g. "Service users, focus group: Staying at home"


ReportKind = Literal["formative", "summative", "comparison"]


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    quotes: list[Quotation] = field(default_factory=list)  # shown as block quotes


@dataclass
class Report:
    kind: ReportKind
    title: str
    partnership: str
    wave: str
    k: int
    generated_at: datetime
    run_id: int | None  # the comparison run the figures come from
    compared_with: str | None = None  # an earlier wave, when change is shown
    sections: list[Section] = field(default_factory=list)

    def tables(self) -> Iterator[Table]:
        """Every table, charts' tables included, in reading order."""
        for section in self.sections:
            for block in section.blocks:
                yield block.table if isinstance(block, Chart) else block

    def charts(self) -> Iterator[Chart]:
        for section in self.sections:
            yield from (b for b in section.blocks if isinstance(b, Chart))


GLOSSARY_KEY = "glossary"  # the glossary appendix section and its table


def terms_in(table: Table) -> list[Term]:
    """The glossary terms a table uses, in glossary order (none for the glossary itself): the
    content links them to the glossary, and every format lists them beside the table."""
    if table.key == GLOSSARY_KEY:
        return []
    texts = [english(table.title), english(table.note)]
    hides = False
    for row in table.rows:
        for cell in row:
            if isinstance(cell, Hidden):
                hides = True
            elif isinstance(cell, str):
                texts.append(english(cell))
    text = "\n".join(texts)
    return [
        term
        for term in TERMS
        if any(term.used_in_heading(english(c)) for c in table.columns)
        or term.used_in_text(text)
        or (hides and term.slug == "k")
    ]
