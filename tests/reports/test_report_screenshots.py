"""Screenshots of both report pages and of every page of both report PDFs, from a wave that looks
like a real one (tests/reports/showcase.py), into test-artifacts/reports/ on every run.

With POET_DOCS_SCREENSHOTS=1 the run also rewrites the small copies the README's "Screenshots"
table shows (docs/screenshots/: the top of each report page, and one sheet per PDF with every
page), kept to a few hundred KB:
`POET_DOCS_SCREENSHOTS=1 /work/bin/wt-test tests/reports/test_report_screenshots.py`.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from poet.models import Role
from reports.content import build_formative, build_summative
from reports.exporters import get_exporter
from tests.conftest import require
from tests.factories import member
from tests.reports.showcase import build_showcase
from tests.reports.test_report_pages_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "reports"
DOCS = Path(settings.BASE_DIR) / "docs" / "screenshots"
PAGE_WIDTH = 1000  # px: a laptop's browser window
DOCS_PAGE_WIDTH = 500  # px: the README's copy of a report page: its top (heading to first charts)
DOCS_PAGE_TOP = 2600  # px of the full-width page
DOCS_PDF_PAGE_WIDTH = 190  # px: one PDF page in the README's sheet
SHEET_COLUMNS = 6


def small(image: Image.Image, width: int) -> Image.Image:
    height = round(image.height * width / image.width)
    return image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)


def save_small(image: Image.Image, path: Path, colours: int = 16) -> None:
    image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def sheet(pages: list[Path]) -> Image.Image:
    thumbs = [small(Image.open(p), DOCS_PDF_PAGE_WIDTH) for p in pages]
    w, h = thumbs[0].size
    rows = -(-len(thumbs) // SHEET_COLUMNS)
    out = Image.new("RGB", (SHEET_COLUMNS * (w + 6) + 6, rows * (h + 6) + 6), "#b1b4b6")
    for i, thumb in enumerate(thumbs):
        out.paste(thumb, (6 + (i % SHEET_COLUMNS) * (w + 6), 6 + (i // SHEET_COLUMNS) * (h + 6)))
    return out


def test_screenshots_of_both_report_pages_and_every_pdf_page(browser, live_server):
    require(shutil.which("pdftoppm") is not None, "the test needs pdftoppm (poppler-utils)")
    wave = build_showcase()
    member(wave.partnership, Role.MANAGER, user__username="maya")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    docs = os.environ.get("POET_DOCS_SCREENSHOTS") == "1"
    if docs:
        DOCS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": PAGE_WIDTH, "height": 900}
    )
    page = context.new_page()
    try:
        sign_in(page, "maya")
        for kind in ("formative", "summative"):
            page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/{kind}/")
            page.wait_for_selector(".js-plotly-plot", timeout=15000)
            page.wait_for_timeout(500)  # let the last chart settle
            shot = ARTIFACTS / f"{kind}-page.png"
            page.screenshot(path=str(shot), full_page=True)
            assert Image.open(shot).width == PAGE_WIDTH
            if docs:
                top = Image.open(shot).crop((0, 0, PAGE_WIDTH, DOCS_PAGE_TOP))
                save_small(small(top, DOCS_PAGE_WIDTH), DOCS / f"{kind}-page.png", colours=40)
    finally:
        context.close()

    for kind, build in (("formative", build_formative), ("summative", build_summative)):
        pdf = ARTIFACTS / f"{kind}.pdf"
        out = io.BytesIO()
        get_exporter("pdf").render(build(wave), out)
        pdf.write_bytes(out.getvalue())
        for old in ARTIFACTS.glob(f"{kind}-pdf-*.png"):
            old.unlink()
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / f"{kind}-pdf")], check=True
        )
        pages = sorted(ARTIFACTS.glob(f"{kind}-pdf-*.png"))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        count = int(
            next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages"))
        )
        assert len(pages) == count > 3
        if docs:
            save_small(sheet(pages), DOCS / f"{kind}-pdf-pages.png")
    if docs:
        assert sum(p.stat().st_size for p in DOCS.glob("*.png")) < 450_000
