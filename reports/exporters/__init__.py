"""Exporters behind one registry: `get_exporter("pdf")` and friends for reports,
`get_answers_exporter("answers_csv")` for the raw answers.

Each report format is an `Exporter` (see `base.py`) registered under its identifier; the
downloads page, the comparison page's CSV, the background task and the `export_report` and
`export_comparison` commands all go through `get_exporter`, so a format added here is offered
everywhere at once. The raw answers are not a report and have their own small interface
(`AnswersExporter`) and registry.
"""

# Each format registers itself when its module is imported.
from reports.exporters import csv, html, pdf, xlsx  # noqa: F401
from reports.exporters.registry import (
    ANSWERS_EXPORTERS,
    EXPORTERS,
    get_answers_exporter,
    get_exporter,
    register,
    report_format_choices,
    report_formats,
)

__all__ = [
    "ANSWERS_EXPORTERS",
    "EXPORTERS",
    "get_answers_exporter",
    "get_exporter",
    "register",
    "report_format_choices",
    "report_formats",
]
