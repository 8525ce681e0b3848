"""What every formative and summative report gets once its own sections are built: the key
findings page first (`key_findings`) and the glossary appendix last (`glossary`). The builders
call `finish_report` as their last step."""

from __future__ import annotations

from reports.content.glossary import add_glossary
from reports.content.key_findings import add_key_findings
from reports.documents import Report


def finish_report(report: Report) -> Report:
    """The report with the sections drawn from all the others added in their places."""
    return add_glossary(add_key_findings(report))
