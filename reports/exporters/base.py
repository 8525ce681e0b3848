"""What every exporter shares: the two interfaces, cell formatting and formula neutralising.

A report exporter (`Exporter`) only lays out a `reports.documents.Report`: it computes nothing, so
a figure hidden on screen is hidden in every file. The tidy raw answers are not a report: their
exporter (`AnswersExporter`) streams a wave's answers, behind its own small interface.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from poet.models import Wave
from poet.spreadsheet import FORMULA_STARTS, neutralise
from reports.documents import Chart, Hidden, Link, Report, terms_in

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
        return "Yes" if cell else "No"
    if isinstance(cell, float):
        return "" if math.isnan(cell) else f"{cell:.2f}"
    return str(cell)


class Exporter:
    """One file format of a report. Subclasses set the four attributes and `render`."""

    identifier: str = ""
    verbose_name: str = ""
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
    verbose_name: str = ""
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
WIDE_COLUMNS = frozenset({"Statement", "Comment", "Which figures"})


def layout(report: Report, svgs: dict[str, str | None] | None = None) -> list[dict]:
    """The report's sections as plain data for the PDF and HTML templates, cells formatted."""

    def table(t) -> dict:
        return {
            "key": t.key,
            "title": t.title,
            "columns": t.columns,
            "note": t.note,
            "terms": [term.term for term in terms_in(t)],
            "rows": [
                [
                    {
                        "text": format_cell(c),
                        "hidden": isinstance(c, Hidden),
                        "link": c.table if isinstance(c, Link) else "",
                        "wide": column in WIDE_COLUMNS,
                    }
                    for column, c in zip(t.columns, row, strict=True)
                ]
                for row in t.rows
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
                        "svg": (svgs or {}).get(block.key),
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
                "blocks": blocks,
            }
        )
    return sections
