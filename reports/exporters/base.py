"""What every exporter shares: the two interfaces, cell formatting and formula neutralising.

A report exporter (`Exporter`) only lays out a `reports.documents.Report`: it computes nothing, so
a figure hidden on screen is hidden in every file. The tidy raw answers are not a report: their
exporter (`AnswersExporter`) streams a wave's answers, behind its own small interface.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from django.utils.translation import gettext

from poet.models import Wave
from poet.spreadsheet import FORMULA_STARTS, neutralise
from reports.documents import Chart, Hidden, Link, Report, english, terms_in

Progress = Callable[..., None]  # progress(fraction 0–1, message="")

# Formula neutralising (every line of a text cell, line breaks as LF, numbers untouched) lives in
# poet.spreadsheet, shared with the staff list example the surveys part writes.
__all__ = [
    "FORMULA_STARTS",
    "AnswersExporter",
    "Exporter",
    "format_cell",
    "layout",
    "neutralise",
    "no_progress",
]


def no_progress(fraction: float, message: str = "") -> None:
    """The default progress callback: nobody is waiting."""


def format_cell(cell: Any) -> str:
    """A cell as people read it in the PDF and HTML: hidden figures say why, no figure is empty."""
    if cell is None:
        return ""
    if isinstance(cell, Hidden):
        return str(cell)
    if isinstance(cell, bool):
        return gettext("Yes") if cell else gettext("No")
    if isinstance(cell, float):
        return "" if math.isnan(cell) else f"{cell:.2f}"
    return str(cell)


class Exporter:
    """One file format of a report. Subclasses set the four attributes and `render`."""

    identifier: str = ""
    verbose_name: Any = ""  # a str, or its gettext_lazy (shown in the reader's language)
    extension: str = ""
    content_type: str = "application/octet-stream"
    listed: bool = True  # offered as a download format of the formative and summative reports

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        """Write the whole file to `output` (a binary file opened for writing)."""
        raise NotImplementedError

    def filename(self, partnership: str, wave: str, kind: str) -> str:
        return f"{partnership}-{wave}-{kind}.{self.extension}"


class AnswersExporter:
    """One file format of a wave's raw answers (not a report: nothing to lay out, rows to
    stream). Subclasses set the four attributes and `render`."""

    identifier: str = ""
    verbose_name: Any = ""  # a str, or its gettext_lazy (shown in the reader's language)
    extension: str = ""
    content_type: str = "application/octet-stream"

    def render(self, wave: Wave, output: BinaryIO, progress: Progress = no_progress) -> int:
        """Write the whole file to `output` (binary, opened for writing); returns bytes written."""
        raise NotImplementedError

    def stream(self, wave: Wave) -> Iterator[bytes]:
        """The same file in chunks, made while they are read (the API streams it)."""
        raise NotImplementedError

    def filename(self, partnership: str, wave: str) -> str:
        return f"{partnership}-{wave}-answers.{self.extension}"


# Columns of sentences: given room in the PDF's tables, so a statement is not one word a line.
WIDE_COLUMNS = frozenset({"Statement", "Comment", "Which figures", "Quote", "Numbers and words"})


# Fixed column widths: every column first gets room for its longest word (a word is never broken,
# "O-CONTACT" or "3.06" included), then what is left of the page goes to the columns whose
# typical text is longer, up to a cap (longer text wraps); a column of sentences at least
# WIDE_MINIMUM.
WIDTH_CAP = 48  # characters
WIDE_MINIMUM = 22  # characters
PAGE_CHARACTERS = 96  # of the tables' 8.5pt DejaVu Sans across the PDF's 178 mm, a little spare
CELL_PADDING = 1.5  # characters: a cell's padding on both sides and its border


def _width(word: str) -> float:
    """A word's width in average characters: capitals and digits are wider than most letters."""
    return sum(1.25 if c.isupper() or c.isdigit() else 1.0 for c in word)


def column_widths(columns: list[str], rows: list[list[str]]) -> list[float]:
    """Each column's share of the table's width in per cent, from the text it holds.

    WeasyPrint's automatic table layout measures every cell twice (narrowest and widest) before
    laying it out: a third of a long table's time. The PDF lays its tables out with these fixed
    widths instead, computed from the same text in one pass."""
    needs, wants = [], []
    for j, column in enumerate(columns):
        texts = [row[j] for row in rows]
        longest_word = max(
            (_width(word) for text in [column, *texts] for word in text.split()), default=1
        )
        need = max(longest_word, 3) + CELL_PADDING
        if english(column) in WIDE_COLUMNS:
            need = max(need, WIDE_MINIMUM + CELL_PADDING)
        longest_text = max((len(text) for text in texts), default=0)
        needs.append(need)
        wants.append(max(need, min(longest_text, WIDTH_CAP) + CELL_PADDING))
    room = PAGE_CHARACTERS - sum(needs)
    more = sum(want - need for want, need in zip(wants, needs, strict=True))
    if room <= 0 or more <= room:  # no room to share out, or room for every column's text
        weights = needs if room <= 0 else wants
    else:
        weights = [
            need + room * (want - need) / more for want, need in zip(wants, needs, strict=True)
        ]
    total = sum(weights)
    return [round(100 * w / total, 2) for w in weights]


def layout(
    report: Report, images: dict[str, str | None] | None = None, *, fixed_widths: bool = False
) -> list[dict]:
    """The report's sections as plain data for the PDF and HTML templates, cells formatted;
    with `fixed_widths`, each table's column widths too (see `column_widths`)."""

    def table(t) -> dict:
        texts = [[format_cell(c) for c in row] for row in t.rows]
        return {
            "key": t.key,
            "title": t.title,
            "columns": t.columns,
            "note": t.note,
            "terms": [gettext(str(term.term)) for term in terms_in(t)],
            "widths": column_widths(t.columns, texts) if fixed_widths else None,
            "rows": [
                [
                    {
                        "text": text,
                        "hidden": isinstance(c, Hidden),
                        "link": c.table if isinstance(c, Link) else "",
                        "wide": english(column) in WIDE_COLUMNS,
                    }
                    for column, c, text in zip(t.columns, row, cells, strict=True)
                ]
                for row, cells in zip(t.rows, texts, strict=True)
            ],
        }

    sections = []
    for section in report.sections:
        blocks = []
        for block in section.blocks:
            if isinstance(block, Chart):
                blocks.append(
                    {
                        "chart": True,
                        "key": block.key,
                        "title": block.title,
                        "description": block.description,
                        "image": (images or {}).get(block.key),
                        "table": table(block.table),
                    }
                )
            else:
                blocks.append({"chart": False, "table": table(block)})
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "paragraphs": section.paragraphs,
                "quotes": section.quotes,
                "blocks": blocks,
            }
        )
    return sections
