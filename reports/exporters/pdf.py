"""PDF downloads with WeasyPrint: running header, page numbers, a contents list, charts as images.

The PDF is tagged (PDF/UA-1: a structure tree, the document's title and language, bookmarks per
section) so screen readers can read it. Each chart is an <img> with the chart's description as
alternative text.

Charts are drawn by kaleido (Plotly's exporter, driving the system Chromium) as PNG, once per
comparison run: `chart_images` keeps them beside the downloads, keyed by the run and the chart's
definition, so later PDFs of the run only read files. One kaleido server is started per process
on the first chart it must draw and kept (≈ 0.2–0.5 s an image instead of ≈ 5 s for a browser per
image); Celery worker processes stop theirs on `worker_process_shutdown`. When kaleido cannot run,
the chart's table stands alone with a note saying so: its numbers are always beside the chart
anyway.

Where the time of a PDF goes, and what made it fast, is in docs/benchmarks.md ("Report
downloads"): WeasyPrint lays out every table cell, so the tables are laid out with fixed column
widths computed here (`base.column_widths`) instead of measuring every cell twice first.
"""

from __future__ import annotations

import atexit
import base64
import logging
import os
import threading
from typing import BinaryIO

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from poet.collector import collector_relaxed
from reports.documents import Report
from reports.exporters import chart_images
from reports.exporters.base import Exporter, Progress, layout, no_progress
from reports.exporters.chart_images import CHART_WIDTH, chart_height
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


def preload_renderer() -> None:
    """Import WeasyPrint and lay out one line, so that its import (Pango's and HarfBuzz's
    bindings, the user agent's stylesheet) and font set-up are done before the first PDF: a
    Celery worker calls this once before forking its processes (``worker_init``), so no PDF
    pays the ≈ 0.5-0.8 s of CPU they take (issue 19)."""
    try:
        from weasyprint import HTML

        HTML(string="<p>POET</p>").render()
    except Exception as exc:  # the PDF that needs it will say what is wrong
        logger.warning("WeasyPrint could not be loaded ahead of the first PDF: %s", exc)


__all__ = [
    "CHART_WIDTH",
    "chart_height",
    "chart_image",
    "chart_svg",
    "keep_report_charts",
    "preload_renderer",
    "report_chart_images",
]


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


def chart_image(figure: dict) -> bytes | None:
    """A Plotly figure (plain JSON) as the PDF's image of it (see `chart_images`: a JPEG at
    twice its CSS size), or None when charts cannot be drawn here."""
    if not start_chart_server():
        return None
    import warnings

    import plotly.io as pio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            png = pio.to_image(
                figure,
                format="png",
                width=CHART_WIDTH,
                height=chart_height(figure),
                scale=chart_images.SCALE,
            )
    except Exception as exc:
        logger.warning("Chart could not be drawn: %s", exc)
        return None
    return chart_images.as_jpeg(png)


def image_data_uri(image: bytes) -> str:
    return f"data:{chart_images.CONTENT_TYPE};base64," + base64.b64encode(image).decode("ascii")


def report_chart_images(report: Report, progress: Progress = no_progress) -> dict[str, str | None]:
    """Each chart's image as a data URI (None where it cannot be drawn): read from the run's
    kept images, drawn and kept when missing."""
    images, _drawn = _run_chart_images(report, progress)
    return {key: image_data_uri(image) if image else None for key, image in images.items()}


def keep_report_charts(report: Report) -> tuple[int, int]:
    """Draw and keep the report's charts its run has not kept yet (a new run's charts drawn
    ahead of its first PDF); how many were drawn, and how many could not be."""
    images, drawn = _run_chart_images(report, no_progress)
    return drawn, sum(1 for image in images.values() if image is None)


def _run_chart_images(report: Report, progress: Progress) -> tuple[dict[str, bytes | None], int]:
    charts = list(report.charts())
    run_id = report.run_id
    identity = chart_images.run_identity(run_id) if run_id is not None else None
    folder = (
        chart_images.run_folder(identity[0], run_id, identity[1])
        if identity and run_id is not None
        else None
    )
    images: dict[str, bytes | None] = {}
    drawn = 0
    for i, chart in enumerate(charts, start=1):
        key = chart_images.definition_key(chart.figure)
        image = chart_images.cached(folder, key) if folder else None
        if image is None:
            image = chart_image(chart.figure)
            if image is not None and folder is not None:
                chart_images.keep(folder, key, image)
                drawn += 1
        images[chart.key] = image
        progress(0.3 * i / max(1, len(charts)), f"Chart {i} of {len(charts)} drawn")
    if drawn and identity is not None and folder is not None:
        chart_images.drop_other_runs(identity[0], folder)
    return images, drawn


@register
class PdfExporter(Exporter):
    identifier = "pdf"
    verbose_name = gettext_lazy("PDF document")
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, report: Report, output: BinaryIO, progress: Progress = no_progress) -> None:
        from weasyprint import HTML

        images = report_chart_images(report, progress)
        html = render_to_string(
            "reports/downloads/report_pdf.html",
            {
                "report": report,
                "sections": layout(report, images, fixed_widths=True),
                "charts_drawn": all(images.values()),
            },
        )
        progress(0.35, "Laying out pages")
        with collector_relaxed():
            HTML(string=html).write_pdf(
                output,
                pdf_variant="pdf/ua-1",  # tagged, with title, language and DisplayDocTitle
                pdf_identifier=f"poet-{report.kind}-{report.run_id}".encode(),
            )
        progress(1.0, "PDF written")
