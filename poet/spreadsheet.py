"""Spreadsheet files in and out: cells that cannot run as formulas, files that cannot swamp us.

Writing (CSV and XLSX injection, DESIGN §6):

A spreadsheet runs a cell starting with =, +, -, @ (some also a tab or carriage return) as a
formula, and a tool that splits rows at line breaks without honouring quotes sees every line of a
cell as the start of a cell. So every line of a text cell that starts with one of those gets a
leading apostrophe, not only the first. Line breaks are written as LF: Python's csv module quotes
only the characters of its line terminator, so a lone CR would otherwise go out unquoted and split
the row; PostgreSQL's COPY quotes both. Numbers are never changed (-0.25 stays a number).

Reading: every CSV we import (answers, staff lists) is refused at its first line over 64 KB or a
header of more than 50 columns, before the rest of it is read or parsed (`CsvShapeCheck`).

The lowest layer, so every part that reads or writes a file uses the same rules (the SQL of the
raw answers export is `neutralise`'s twin: `reports.exporters.csv._neutralised_sql`).
"""

from __future__ import annotations

import csv
import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CR = re.compile(r"\r\n?")


def neutralise(cell: Any) -> Any:
    """A text cell with LF line breaks and a leading ' on every line that starts like a formula;
    anything that is not text, unchanged."""
    if not isinstance(cell, str):
        return cell
    text = _CR.sub("\n", cell) if "\r" in cell else cell
    if "\n" not in text:
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    return "\n".join(
        "'" + line if line.startswith(FORMULA_STARTS) else line for line in text.split("\n")
    )


def restore(cell: str) -> str:
    """A cell read back from a file `neutralise` wrote, without the apostrophes it added.

    For matching names in an uploaded file that started as one of ours (the staff list example):
    a name that really starts with ' and a formula character is found by its exact text first.
    """
    return "\n".join(
        line[1:] if line.startswith("'") and line[1:].startswith(FORMULA_STARTS) else line
        for line in _CR.sub("\n", cell).split("\n")
    )


# --- reading: files refused before they are parsed -------------------------------------------

MAX_COLUMNS = 50
MAX_LINE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024


class CsvShapeError(ValueError):
    """A CSV file refused before parsing; the message is for the person who sent it."""


class CsvShapeCheck:
    """Checks a CSV file's line lengths and header width as its bytes arrive.

    Parsing a header of a million columns, or one endless line, took a minute and over a
    gigabyte: such a file is refused at its first bad line, before the rest is read. Feed the
    bytes in order, then call `finish`.
    """

    def __init__(self, *, max_columns: int = MAX_COLUMNS, max_line: int = MAX_LINE_BYTES) -> None:
        self.max_columns = max_columns
        self.max_line = max_line
        self.lines = 0  # complete lines so far (LF-terminated)
        self.length = 0  # bytes of the line being read
        self.header = bytearray()
        self.header_done = False

    def feed(self, chunk: bytes) -> None:
        import numpy as np

        view = np.frombuffer(chunk, dtype=np.uint8)
        ends = np.flatnonzero((view == 10) | (view == 13))  # a CR counts too: old Mac files
        if not self.header_done:
            self.header += chunk[: int(ends[0]) if len(ends) else len(chunk)]
        if len(ends):
            lengths = np.diff(ends, prepend=-1) - 1
            lengths[0] += self.length
            too_long = np.flatnonzero(lengths > self.max_line)
            if too_long.size:
                first = int(too_long[0])
                self._too_long(self.lines + 1 + int((view[ends[:first]] == 10).sum()))
            self.lines += int((view[ends] == 10).sum())
            self.length = len(chunk) - int(ends[-1]) - 1
        else:
            self.length += len(chunk)
        if self.length > self.max_line:
            self._too_long(self.lines + 1)
        if not self.header_done and len(ends):
            self._check_header()

    def finish(self) -> None:
        if not self.header_done:
            self._check_header()

    def _check_header(self) -> None:
        self.header_done = True
        text = bytes(self.header).decode("utf-8-sig", errors="replace")
        columns = len(next(csv.reader([text]), []))
        if columns > self.max_columns:
            raise CsvShapeError(
                f"The header row has {columns:,} columns: a file can have at most "
                f"{self.max_columns}."
            )

    def _too_long(self, line: int) -> None:
        if not self.header_done:  # the header itself: say how wide it is, as far as it was read
            text = bytes(self.header).decode("utf-8-sig", errors="replace")
            columns = len(next(csv.reader([text]), []))
            if columns > self.max_columns:
                raise CsvShapeError(
                    f"The header row has more than {columns:,} columns: a file can have at most "
                    f"{self.max_columns}."
                )
        raise CsvShapeError(
            f"Line {line} is longer than {self.max_line // 1024} KB: is it a CSV file with one "
            "row on each line?"
        )


def check_csv_shape(data: bytes, **limits) -> None:
    """`CsvShapeCheck` over bytes already in memory (an upload, read in chunks as it stands)."""
    check = CsvShapeCheck(**limits)
    for start in range(0, len(data), CHUNK_BYTES):
        check.feed(data[start : start + CHUNK_BYTES])
    check.finish()
