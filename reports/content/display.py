"""A `Report` made ready for templates: each cell as text with whether it is a number, each
table with its numeric columns, each chart with a unique element id. Used by the report page and
reusable by the HTML export, so both write figures and "fewer than k" the same way."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from reports.documents import Cell, Chart, Hidden, Link, Report, Table, terms_in

NO_FIGURE = "–"


@dataclass
class DisplayCell:
    text: str
    numeric: bool
    hidden: bool
    link: str = ""  # the key of the table the text points to


def cell_text(value: Cell) -> str:
    if isinstance(value, Hidden):
        return str(value)
    if value is None or value == "":
        return NO_FIGURE
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return str(value)
    return str(value)


def display_cell(value: Cell) -> DisplayCell:
    return DisplayCell(
        text=cell_text(value),
        numeric=isinstance(value, int | float) and not isinstance(value, bool),
        hidden=isinstance(value, Hidden),
        link=value.table if isinstance(value, Link) else "",
    )


def display_table(table: Table) -> dict:
    """Header cells with a numeric flag per column, and rows of `DisplayCell`s."""
    numeric = [
        any(
            isinstance(row[i], int | float | Hidden) and not isinstance(row[i], bool)
            for row in table.rows
        )
        and i > 0
        for i in range(len(table.columns))
    ]
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "terms": [{"slug": t.slug, "term": gettext(str(t.term))} for t in terms_in(table)],
        "columns": [{"text": c, "numeric": n} for c, n in zip(table.columns, numeric, strict=True)],
        "rows": [
            [{**vars(display_cell(value)), "numeric": numeric[i]} for i, value in enumerate(row)]
            for row in table.rows
        ],
    }


def display_report(report: Report) -> list[dict]:
    """Sections with their blocks, tables prepared and charts given an element id."""
    sections = []
    for section in report.sections:
        blocks = []
        for block in section.blocks:
            if isinstance(block, Chart):
                blocks.append(
                    {
                        "kind": "chart",
                        "key": block.key,
                        "id": f"chart-{block.key}",
                        "data_id": f"chart-{block.key}-data",
                        "title": block.title,
                        "description": block.description,
                        "figure": block.figure,
                        "table": display_table(block.table),
                    }
                )
            else:
                blocks.append({"kind": "table", "table": display_table(block)})
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
