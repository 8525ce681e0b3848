"""Which glossary terms a report's table uses, and the glossary appendix of every report.

The terms and their meanings are `poet.glossary.TERMS`; a table uses a term when one of its
column headings, its title, its note or a text in it names the term, or when it hides a figure
(minimum group size k). The page links each to the glossary page, the HTML and PDF files to
their appendix (`add_glossary`), which lists the terms the report's tables use.
"""

from __future__ import annotations

from poet.glossary import TERMS, Term
from reports.documents import Hidden, Report, Section, Table

KEY = "glossary"  # the appendix section and its table


def terms_in(table: Table) -> list[Term]:
    """The glossary terms a table uses, in glossary order (none for the glossary itself)."""
    if table.key == KEY:
        return []
    texts = [table.title, table.note]
    hides = False
    for row in table.rows:
        for cell in row:
            if isinstance(cell, Hidden):
                hides = True
            elif isinstance(cell, str):
                texts.append(cell)
    text = "\n".join(texts)
    return [
        term
        for term in TERMS
        if any(term.used_in_heading(c) for c in table.columns)
        or term.used_in_text(text)
        or (hides and term.slug == "k")
    ]


def add_glossary(report: Report) -> Report:
    """The glossary appendix last: the meaning of every term the report's tables use."""
    if not report.sections:
        return report
    used = {term.slug for table in report.tables() for term in terms_in(table)}
    if not used:
        return report
    report.sections.append(
        Section(
            key=KEY,
            title="Glossary",
            paragraphs=["What the terms used in this report's tables mean."],
            blocks=[
                Table(
                    key=KEY,
                    title="Terms used in this report",
                    columns=["Term", "Meaning"],
                    rows=[[t.term, t.meaning] for t in TERMS if t.slug in used],
                )
            ],
        )
    )
    return report
