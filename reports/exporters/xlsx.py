"""XLSX downloads: a notes sheet, then one sheet per table (charts' tables included).

Figures are written as numbers; a hidden figure as the text "fewer than k"; every line of a text
cell that a spreadsheet would run as a formula is neutralised with a leading ', and control
characters an XLSX file cannot hold (a pasted vertical tab, say) are left out rather than failing
the whole download.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from reports.documents import Hidden, Report
from reports.exporters.base import Exporter, Progress, neutralise, no_progress
from reports.exporters.registry import register

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Control characters an XLSX cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value):
    """A cell as written: text neutralised and without characters XLSX cannot hold."""
    return neutralise(_ILLEGAL.sub("", value) if isinstance(value, str) else value)


def _cell(cell):
    if isinstance(cell, Hidden):
        return str(cell)
    return _text(cell)


def sheet_names(keys: list[str]) -> list[str]:
    """Unique sheet names (Excel: at most 31 characters, none of []:*?/\\) from table keys."""
    names: list[str] = []
    for key in keys:
        base = _BAD_SHEET_CHARS.sub("-", key)[:31] or "table"
        name, n = base, 2
        while name.lower() in {x.lower() for x in names} or name.lower() == "notes":
            suffix = f"-{n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


@register
class XlsxExporter(Exporter):
    identifier = "xlsx"
    verbose_name = "Excel workbook (XLSX)"
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        book = Workbook(write_only=True)
        tables = list(report.tables())
        notes = book.create_sheet("Notes")
        notes.append([_text(report.title)])
        for label, value in [
            ("Partnership", report.partnership),
            ("Wave", report.wave),
            ("Compared with", report.compared_with or ""),
            ("Minimum group size (k)", report.k),
            ("Generated", report.generated_at.strftime("%Y-%m-%d %H:%M")),
            ("Comparison run", report.run_id),
        ]:
            notes.append([label, _text(value)])
        notes.append([])
        notes.append(
            [
                f"Any figure about fewer than {report.k} people is hidden and shows as "
                f"'fewer than {report.k}', with the next-smallest group where needed so it "
                "cannot be worked out."
            ]
        )
        notes.append([])
        names = sheet_names([t.key for t in tables])
        notes.append(["Sheet", "Table", "Note"])
        for name, table in zip(names, tables, strict=True):
            notes.append([name, _text(table.title), _text(table.note)])
        bold = Font(bold=True)
        for i, (name, table) in enumerate(zip(names, tables, strict=True), start=1):
            sheet = book.create_sheet(name)
            sheet.append([_text(table.title)])
            header = []
            for column in table.columns:
                c = WriteOnlyCell(sheet, value=_text(column))
                c.font = bold
                header.append(c)
            sheet.append(header)
            for row in table.rows:
                sheet.append([_cell(c) for c in row])
            if table.note:
                sheet.append([])
                sheet.append([_text(table.note)])
            progress(i / max(1, len(tables)), f"Sheet {i} of {len(tables)}")
        book.save(output)
