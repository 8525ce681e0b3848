"""Which glossary terms a report's table uses, and the glossary appendix of every report.

The terms and their meanings are `poet.glossary.TERMS`; a table uses a term when one of its
column headings, its title, its note or a text in it names the term, or when it hides a figure
(minimum group size k). The page links each to the glossary page, the HTML and PDF files to
their appendix (`add_glossary`), which lists the terms the report's tables use.
"""

from __future__ import annotations

from django.utils.translation import gettext

from poet.glossary import TERMS
from reports.content.words import _
from reports.documents import GLOSSARY_KEY as KEY
from reports.documents import Report, Section, Table, terms_in


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
            title=_("Glossary"),
            paragraphs=[_("What the terms used in this report's tables mean.")],
            blocks=[
                Table(
                    key=KEY,
                    title=_("Terms used in this report"),
                    columns=[_("Term"), _("Meaning")],
                    rows=[
                        [gettext(str(t.term)), gettext(str(t.meaning))]
                        for t in TERMS
                        if t.slug in used
                    ],
                )
            ],
        )
    )
    return report
