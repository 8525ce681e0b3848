"""Text cells a spreadsheet will not run as formulas (CSV and XLSX injection, DESIGN §6).

A spreadsheet runs a cell starting with =, +, -, @ (some also a tab or carriage return) as a
formula, and a tool that splits rows at line breaks without honouring quotes sees every line of a
cell as the start of a cell. So every line of a text cell that starts with one of those gets a
leading apostrophe, not only the first. Line breaks are written as LF: Python's csv module quotes
only the characters of its line terminator, so a lone CR would otherwise go out unquoted and split
the row; PostgreSQL's COPY quotes both. Numbers are never changed (-0.25 stays a number).

The lowest layer, so every part that writes a file uses the same rule (the SQL of the raw answers
export is its twin: `reports.exporters.csv._neutralised_sql`).
"""

from __future__ import annotations

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
