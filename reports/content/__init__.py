"""Formative and summative report content: builders that read stored comparison runs and return a
`reports.documents.Report` for the page and every exporter to lay out; `header` builds the header
they share."""

from reports.content.formative import build_formative
from reports.content.header import report_header
from reports.content.summative import build_summative

BUILDERS = {"formative": build_formative, "summative": build_summative}  # by report kind

__all__ = ["BUILDERS", "build_formative", "build_summative", "report_header"]
