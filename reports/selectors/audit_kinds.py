"""The results' kinds of audit event, in words (registered in `ReportsConfig.ready`)."""

from poet.selectors.audit_log import AuditKind
from reports.exporters import ANSWERS_EXPORTERS, EXPORTERS
from reports.selectors.downloads import ANSWERS, REPORT_KINDS


def _format(format: str) -> str:
    exporter = EXPORTERS.get(format) or ANSWERS_EXPORTERS.get(format)
    return exporter.verbose_name if exporter is not None else format


def _report(d: dict) -> str:
    """'Summative report as PDF document'."""
    kind = "Raw answers" if d["kind"] == ANSWERS else REPORT_KINDS[d["kind"]]
    return f"{kind} as {_format(d['format'])}"


def _viewed(d: dict) -> str:
    kind = REPORT_KINDS[d["kind"]]
    since = f", compared with {d['compared_with']}" if d.get("compared_with") else ""
    return f"{kind}{since}"


RESULTS_KINDS: dict[str, AuditKind | str] = {
    "report.viewed": AuditKind("Report read", _viewed),
    "report.downloaded": AuditKind("Report downloaded", _report),
    "answers.downloaded": AuditKind("Raw answers downloaded", _report),
    "comparison.started": AuditKind(
        "Comparison run", lambda d: f"k = {d['k']}, {d['resamples']} resamples"
    ),
    "comparison.downloaded": AuditKind("Comparison table downloaded", lambda d: "CSV"),
    "comparison.exported": AuditKind("Comparison table exported", lambda d: "CSV, by command"),
    "wave.copied": AuditKind("Next wave started", lambda d: f"As a copy of {d['copied_from']}"),
}
