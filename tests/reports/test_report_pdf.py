"""A report's PDF as a screen reader and a PDF viewer meet it: tagged (PDF/UA-1), with the
report's title and language, a bookmark per section, each chart an image with alternative text;
and WeasyPrint writes it without a single warning (issue 15 item 7, issue 20 item 3)."""

from __future__ import annotations

import html
import io
import logging
import re
import subprocess
import zlib

import pytest

from reports.content import build_formative, build_summative
from reports.exporters import get_exporter
from tests.conftest import require
from tests.reports.showcase import build_showcase

pytestmark = pytest.mark.django_db


def pdf_objects(data: bytes) -> bytes:
    """The file's bytes with every compressed stream (object streams hold the catalogue)
    inflated after them, to look for catalogue entries without a PDF library."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def poppler(tool: str, *args: str, data: bytes, tmp_path) -> str:
    require(
        subprocess.run(["which", tool], capture_output=True).returncode == 0,
        f"the test needs {tool} (apt-get install poppler-utils)",
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool != "pdfinfo" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def render_pdf(report) -> tuple[bytes, list[logging.LogRecord]]:
    """The PDF and every record WeasyPrint logged at WARNING or above while writing it."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.WARNING)
    weasyprint = logging.getLogger("weasyprint")
    weasyprint.addHandler(handler)
    try:
        out = io.BytesIO()
        get_exporter("pdf").render(report, out)
    finally:
        weasyprint.removeHandler(handler)
    return out.getvalue(), records


@pytest.mark.parametrize(
    "build", [build_summative, build_formative], ids=["summative", "formative"]
)
def test_a_report_pdf_is_tagged_titled_bookmarked_and_written_without_warnings(build, tmp_path):
    report = build(build_showcase())
    data, warnings = render_pdf(report)
    assert [r.getMessage() for r in warnings] == []  # was 668 (summative) and 609 (formative)

    objects = pdf_objects(data)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked true", objects)
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/Lang \(en-GB\)", objects)
    assert re.search(rb"/DisplayDocTitle true", objects)
    assert b"pdfuaid" in objects  # the PDF/UA identification in the XMP metadata
    # each drawn chart is a Figure whose alternative text is the chart's description
    for chart in report.charts():
        alt = chart.description[:40].encode()
        assert b"/Alt (" + alt in objects, chart.key

    info = poppler("pdfinfo", data=data, tmp_path=tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+{re.escape(report.title)} – {report.partnership}$", info, re.M)

    outline = poppler("pdftohtml", "-xml", "-i", "-q", "-stdout", data=data, tmp_path=tmp_path)
    items = [html.unescape(i) for i in re.findall(r"<item page=\"\d+\">([^<]*)</item>", outline)]
    assert items[0] == report.title  # the h1, level 1
    for section in report.sections:  # every section, level 2 under the title
        assert section.title in items, section.title
    charts = {c.title for c in report.charts()} - {s.title for s in report.sections}
    assert charts and not charts & set(items)  # chart headings (h3) are not bookmarks

    # Every word within the page's margins (16 mm a side on A4): no table runs off the page.
    boxes = poppler("pdftotext", "-bbox", data=data, tmp_path=tmp_path)
    right = 595.276 - 16 / 25.4 * 72
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)', boxes)
    assert words
    outside = [w for x0, x1, w in words if float(x0) < 16 / 25.4 * 72 - 1 or float(x1) > right + 1]
    assert outside == []


def test_a_worker_loads_the_pdf_renderer_before_forking_its_processes():
    """A Celery worker's main process imports WeasyPrint and lays out a line on ``worker_init``,
    so no worker process's first PDF pays for it (issue 19)."""
    import os
    import sys
    from pathlib import Path

    script = (
        "import sys, django; django.setup()\n"
        "import reports.tasks\n"
        "from celery.signals import worker_init\n"
        "assert 'weasyprint' not in sys.modules, 'loaded before the worker started'\n"
        "worker_init.send(sender=None)\n"
        "assert 'weasyprint' in sys.modules\n"
        "print('loaded')\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "poet.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("loaded")


def test_a_pdf_is_laid_out_with_the_collector_relaxed_and_the_threshold_put_back(monkeypatch):
    """WeasyPrint's boxes all live until the PDF is written, so the cyclic collector walking
    them after every 700 new objects was time for nothing (issue 19): while a PDF is laid out
    the collector runs after every ``COLLECT_EVERY``, and afterwards as it did before."""
    import gc

    from weasyprint import HTML

    from poet.collector import COLLECT_EVERY

    seen: list[tuple[int, int, int]] = []
    real_write_pdf = HTML.write_pdf

    def write_pdf(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return real_write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", write_pdf)
    before = gc.get_threshold()
    render_pdf(build_summative(build_showcase()))
    assert seen and seen[0][0] == max(COLLECT_EVERY, before[0])
    assert seen[0][1:] == before[1:]
    assert gc.get_threshold() == before
