"""XLSX downloads: a notes sheet, then one sheet per table (charts' tables included).

Each sheet is named after its table's title (shortened to Excel's 31 characters), has the title
in its first row and the column names in its second, both frozen, and columns wide enough to
read. Figures are numbers; a hidden figure is an empty cell carrying a comment that says why
("hidden: fewer than 5 people"), so a number column never holds text and sums and charts in
Excel work. The notes sheet says what the report is, what is hidden and why, how the figures
were made (the report's methods), and what each sheet holds.

Every line of a text cell that a spreadsheet would run as a formula is neutralised with a
leading ', and control characters an XLSX file cannot hold (a pasted vertical tab, say) are left
out rather than failing the whole download.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO

from django.utils.translation import gettext, gettext_lazy

from poet.analysis.disclosure import PRIMARY, hidden_text, rule_text
from reports.documents import Hidden, Report, Section, Table
from reports.exporters.base import Exporter, Progress, neutralise, no_progress
from reports.exporters.registry import register

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Control characters an XLSX cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_NAME_LENGTH = 31  # Excel's limit
HEADER_ROWS = 2  # the table's title, then its column names
MIN_WIDTH, MAX_WIDTH = 8, 60  # column widths, in characters
NOTE_LINE = 150  # characters a line of the notes sheet's paragraphs holds (columns A to D)


def _text(value):
    """A cell as written: text neutralised and without characters XLSX cannot hold."""
    return neutralise(_ILLEGAL.sub("", value) if isinstance(value, str) else value)


def _shorten(title: str, limit: int) -> str:
    """A title cut to `limit` characters at a word boundary, with an ellipsis when cut."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if title[limit - 1] != " ":  # a word cut in two goes whole
        cut = cut.rsplit(" ", 1)[0] if " " in cut else ""
    return (cut.rstrip(" ,;–-") or title[: limit - 1]) + "…"


def sheet_names(titles: list[str]) -> list[str]:
    """Unique, readable sheet names (Excel: at most 31 characters, none of []:*?/\\, not
    "Notes") from table titles."""
    names: list[str] = []
    taken = {"notes", gettext("Notes").lower()}
    for title in titles:
        clean = _BAD_SHEET_CHARS.sub("-", _ILLEGAL.sub("", title).replace(":", " –"))
        clean = " ".join(clean.split())
        clean = clean.strip("'") or gettext("Table")
        name, n = _shorten(clean, SHEET_NAME_LENGTH), 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name, n = _shorten(clean, SHEET_NAME_LENGTH - len(suffix)) + suffix, n + 1
        taken.add(name.lower())
        names.append(name)
    return names


def _width(value: Any) -> int:
    if value is None or isinstance(value, Hidden):
        return 0
    return max((len(line) for line in str(value).splitlines()), default=0)


def _section(report: Report, key: str) -> Section | None:
    return next((s for s in report.sections if s.key == key), None)


@register
class XlsxExporter(Exporter):
    identifier = "xlsx"
    verbose_name = gettext_lazy("Excel workbook (XLSX)")
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        from openpyxl import Workbook

        book = Workbook()
        tables = list(report.tables())
        names = sheet_names([t.title for t in tables])
        self._notes(book.active, report, names, tables)
        for i, (name, table) in enumerate(zip(names, tables, strict=True), start=1):
            self._table(book.create_sheet(name), table)
            progress(i / max(1, len(tables)), f"Sheet {i} of {len(tables)}")
        book.save(output)

    @staticmethod
    def _table(sheet, table: Table) -> None:
        from openpyxl.comments import Comment
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        sheet.append([_text(table.title)])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([_text(column) for column in table.columns])
        for cell in sheet[HEADER_ROWS]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(table.rows, start=HEADER_ROWS + 1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, Hidden):
                    cell.comment = Comment(str(value), "POET", width=220, height=60)
                    continue
                cell.value = _text(value)  # numbers as they are rounded in the report
                if isinstance(value, str) and "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        if table.note:
            sheet.append([])
            sheet.append([_text(table.note)])
        for c, column in enumerate(table.columns, start=1):
            widest = max([len(column) // 2, *(_width(row[c - 1]) for row in table.rows)], default=0)
            sheet.column_dimensions[get_column_letter(c)].width = min(
                MAX_WIDTH, max(MIN_WIDTH, widest + 2)
            )
        # The title and column names stay in view, and so do the row labels.
        sheet.freeze_panes = f"B{HEADER_ROWS + 1}" if len(table.columns) > 1 else "A3"

    @staticmethod
    def _notes(sheet, report: Report, names: list[str], tables: list[Table]) -> None:
        from openpyxl.styles import Alignment, Font

        sheet.title = gettext("Notes")
        bold, heading = Font(bold=True), Font(bold=True, size=12)
        sheet.append([_text(report.title)])
        sheet["A1"].font = Font(bold=True, size=14)
        for label, value in [
            (gettext("Partnership"), report.partnership),
            (gettext("Wave"), report.wave),
            (gettext("Compared with"), report.compared_with or ""),
            (gettext("Minimum group size (k)"), report.k),
            (gettext("Generated"), report.generated_at.strftime("%Y-%m-%d %H:%M")),
            (gettext("Comparison run"), report.run_id),
        ]:
            sheet.append([label, _text(value)])
            sheet.cell(row=sheet.max_row, column=1).font = bold

        def paragraphs(title: str, lines: list[str]) -> None:
            sheet.append([])
            sheet.append([title])
            sheet.cell(row=sheet.max_row, column=1).font = heading
            for line in lines:
                sheet.append([_text(line)])
                row = sheet.max_row
                sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
                sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
                sheet.row_dimensions[row].height = 15 * (1 + len(str(line)) // NOTE_LINE)

        hidden = _section(report, "disclosure")
        paragraphs(
            gettext("What is hidden, and why"),
            [
                *(hidden.paragraphs if hidden else [rule_text(report.k)]),
                gettext(
                    "In this workbook a hidden figure is an empty cell with a comment saying why "
                    "(for example '%(example)s'); the 'Hidden figures' column below counts them "
                    "per sheet."
                )
                % {"example": hidden_text(PRIMARY, report.k)},
            ],
        )
        methods = _section(report, "methods")
        if methods:
            paragraphs(gettext("Methods"), methods.paragraphs)
        sheet.append([])
        sheet.append(
            [gettext("Sheet"), gettext("Table"), gettext("Hidden figures"), gettext("Note")]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for name, table in zip(names, tables, strict=True):
            count = sum(isinstance(c, Hidden) for row in table.rows for c in row)
            sheet.append([_text(name), _text(table.title), count, _text(table.note)])
        for letter, width in zip("ABCD", (34, 60, 15, 60), strict=True):
            sheet.column_dimensions[letter].width = width
