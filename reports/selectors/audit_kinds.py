"""The results' kinds of audit event, in words (registered in `ReportsConfig.ready`); labels
are lazy (the core's `AuditKind` says `str`), so each page shows them in its language."""

from typing import cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from poet.selectors.audit_log import AuditKind
from reports.exporters import ANSWERS_EXPORTERS, EXPORTERS
from reports.selectors.downloads import ANSWERS, REPORT_KINDS, language_name


def _format(format: str) -> str:
    exporter = EXPORTERS.get(format) or ANSWERS_EXPORTERS.get(format)
    return str(exporter.verbose_name) if exporter is not None else format


def _report(d: dict) -> str:
    """'Summative report as PDF document' (', in Cymraeg' for a report not in English)."""
    kind = _("Raw answers") if d["kind"] == ANSWERS else REPORT_KINDS[d["kind"]]
    said = _("%(kind)s as %(format)s") % {"kind": kind, "format": _format(d["format"])}
    if d.get("language") and d["language"] != "en-gb":
        said += ", " + language_name(d["language"])
    return said


def _viewed(d: dict) -> str:
    kind = str(REPORT_KINDS[d["kind"]])
    if d.get("compared_with"):
        return _("%(kind)s, compared with %(wave)s") % {"kind": kind, "wave": d["compared_with"]}
    return kind


RESULTS_KINDS: dict[str, AuditKind | str] = {
    "report.viewed": AuditKind(cast(str, gettext_lazy("Report read")), _viewed),
    "report.downloaded": AuditKind(cast(str, gettext_lazy("Report downloaded")), _report),
    "answers.downloaded": AuditKind(cast(str, gettext_lazy("Raw answers downloaded")), _report),
    "comparison.started": AuditKind(
        cast(str, gettext_lazy("Comparison run")),
        lambda d: (
            _("k = %(k)s, %(resamples)s resamples") % {"k": d["k"], "resamples": d["resamples"]}
        ),
    ),
    "comparison.downloaded": AuditKind(
        cast(str, gettext_lazy("Comparison table downloaded")), lambda d: "CSV"
    ),
    "comparison.exported": AuditKind(
        cast(str, gettext_lazy("Comparison table exported")), lambda d: _("CSV, by command")
    ),
    "wave.copied": AuditKind(
        cast(str, gettext_lazy("Next wave started")),
        lambda d: _("As a copy of %(wave)s") % {"wave": d["copied_from"]},
    ),
}
