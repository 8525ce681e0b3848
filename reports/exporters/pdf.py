"""PDF downloads with WeasyPrint: running header, page numbers, a contents list, charts as SVG.

The PDF is tagged (PDF/UA-1: a structure tree, the document's title and language, bookmarks per
section) so screen readers can read it. Each chart is an <img> of its SVG with the chart's
description as alternative text: an inline <svg> would send Plotly's SVG style attributes
(fill, stroke…) through the HTML stylesheet, where WeasyPrint warns once per property it does
not know (hundreds of lines per PDF).

Charts are exported to static SVG by kaleido (Plotly's exporter, driving the system Chromium). One
kaleido server is started per process on the first chart and kept (≈ 0.2–0.5 s an image instead of
≈ 5 s for a browser per image); Celery worker processes stop theirs on `worker_process_shutdown`.
When kaleido cannot run, the chart's table stands alone with a note saying so: its numbers are
always beside the chart anyway.
"""

from __future__ import annotations

import atexit
import base64
import logging
import os
import threading
from typing import BinaryIO

from django.template.loader import render_to_string

from reports.documents import Report
from reports.exporters.base import Exporter, Progress, layout, no_progress
from reports.exporters.registry import register

logger = logging.getLogger(__name__)

_server_lock = threading.Lock()
_server_pid: int | None = None  # the process whose kaleido server is running


def start_chart_server() -> bool:
    """Start this process's kaleido server unless it runs already; False when it cannot."""
    global _server_pid
    with _server_lock:
        if _server_pid == os.getpid():
            return True
        for name in ("kaleido", "choreographer", "logistro"):  # chatty at INFO; keep warnings
            logging.getLogger(name).setLevel(logging.WARNING)
        try:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True)
        except Exception as exc:  # no Chromium, or kaleido missing: charts fall back to tables
            logger.warning("Chart images unavailable (kaleido): %s", exc)
            return False
        _server_pid = os.getpid()
        return True


def stop_chart_server() -> None:
    global _server_pid
    with _server_lock:
        if _server_pid != os.getpid():
            return
        try:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
        except Exception:  # already gone: nothing to stop
            pass
        _server_pid = None


atexit.register(stop_chart_server)

CHART_WIDTH = 680  # px: the A4 text width (178 mm) at 96 px an inch, so text prints at size


def chart_height(figure: dict) -> int:
    """The figure's own height (it grows with its rows), else Plotly's default."""
    return int(figure.get("layout", {}).get("height") or 450)


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_svg(figure: dict) -> str | None:
    """A Plotly figure (plain JSON) as SVG markup, or None when charts cannot be drawn here."""
    if not start_chart_server():
        return None
    import warnings

    import plotly.io as pio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            svg = pio.to_image(figure, format="svg", width=CHART_WIDTH, height=chart_height(figure))
    except Exception as exc:
        logger.warning("Chart could not be drawn: %s", exc)
        return None
    text = svg.decode("utf-8")
    # Plotly's SVG starts with an XML declaration-free <svg …>; keep only the element.
    return text[text.find("<svg") :]


@register
class PdfExporter(Exporter):
    identifier = "pdf"
    verbose_name = "PDF document"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        from weasyprint import HTML

        charts = list(report.charts())
        svgs: dict[str, str | None] = {}
        for i, chart in enumerate(charts, start=1):
            svg = chart_svg(chart.figure)
            svgs[chart.key] = svg_data_uri(svg) if svg else None
            progress(0.7 * i / max(1, len(charts)), f"Chart {i} of {len(charts)} drawn")
        html = render_to_string(
            "reports/downloads/report_pdf.html",
            {
                "report": report,
                "sections": layout(report, svgs),
                "charts_drawn": all(svgs.values()),
            },
        )
        progress(0.75, "Laying out pages")
        HTML(string=html).write_pdf(
            output,
            pdf_variant="pdf/ua-1",  # tagged, with title, language and DisplayDocTitle
            pdf_identifier=f"poet-{report.kind}-{report.run_id}".encode(),
        )
        progress(1.0, "PDF written")
