"""A run's charts are drawn once for its PDFs and kept; a replaced or deleted run's images go;
the PDF's tables carry fixed column widths (issue 19, item 4)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from reports.content import build_formative, build_summative
from reports.exporters import chart_images, get_exporter
from reports.exporters import pdf as pdf_module
from reports.exporters.base import column_widths
from reports.models import ComparisonRun
from reports.selectors.runs import latest_run
from tests.reports.showcase import build_showcase
from tests.reports.test_report_pdf import pdf_objects

pytestmark = pytest.mark.django_db


def pdf(report) -> bytes:
    out = io.BytesIO()
    get_exporter("pdf").render(report, out)
    return out.getvalue()


def kept(tmp_path) -> list[str]:
    return sorted(
        str(p.relative_to(tmp_path)) for p in (tmp_path / "charts").rglob("*") if p.is_file()
    )


def test_the_charts_of_a_run_are_drawn_once_for_all_its_pdfs(drawn, tmp_path):
    wave = build_showcase()
    summative = build_summative(wave)
    first = pdf(summative)
    charts = list(summative.charts())
    assert len(drawn) == len(charts) > 0
    assert len(kept(tmp_path)) == len({chart_images.definition_key(c.figure) for c in charts})

    again = pdf(build_summative(wave))  # a second download of the same run: nothing drawn
    assert len(drawn) == len(charts)
    for data in (first, again):
        objects = pdf_objects(data)
        assert b"/StructTreeRoot" in objects
        for chart in charts:  # each chart still a Figure with its description as alt text
            assert b"/Alt (" + chart.description[:40].encode() in objects, chart.key
            assert b"/DCTDecode" in objects  # the kept JPEG, embedded as it is

    formative = build_formative(wave)  # other charts of the same run: drawn once, then kept
    pdf(formative)
    pdf(build_formative(wave))
    assert len(drawn) == len(charts) + len(list(formative.charts()))


def test_a_replaced_run_draws_anew_and_its_predecessors_images_go(drawn, tmp_path):
    wave = build_showcase()
    old = latest_run(wave)
    pdf(build_summative(wave))
    assert kept(tmp_path) and all(f"run-{old.pk}-" in path for path in kept(tmp_path))

    # New figures (another number of resamples: another run), as after new answers or a new k.
    slugs = (wave.partnership.slug, wave.slug)
    call_command("run_comparison", *slugs, "--resamples", "30", stdout=io.StringIO())
    new = latest_run(wave)
    assert new.pk != old.pk
    before = len(drawn)
    pdf(build_summative(wave))
    assert len(drawn) > before
    assert kept(tmp_path) and all(f"run-{new.pk}-" in path for path in kept(tmp_path))

    ComparisonRun.objects.filter(pk=new.pk).delete()
    assert kept(tmp_path) == []


def test_without_a_kept_image_folder_the_pdf_still_has_its_charts(drawn, settings, tmp_path):
    """A storage that cannot be written only costs the drawing again, never the chart."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    report = build_summative(build_showcase())
    objects = pdf_objects(pdf(report))
    for chart in report.charts():
        assert b"/Alt (" + chart.description[:40].encode() in objects, chart.key


def test_column_widths_give_sentences_room_and_every_word_its_width():
    columns = ["Outcome", "Statement", "Staff (n)", "Difference"]
    rows = [
        ["O-01", "I can get the support I need when I need it, from people I know", "12", "0.25"],
        ["O-02", "Short", "1,234", "-1.50"],
    ]
    widths = column_widths(columns, rows)
    assert sum(widths) == pytest.approx(100, abs=0.05)
    assert widths[1] == max(widths)  # the statement
    assert widths[1] >= 100 * 22 / (sum([7, 48, 5, 10]))  # at least its minimum share
    # a column is never narrower than its longest word, header included ("Difference")
    assert widths[3] >= widths[0] and widths[3] / widths[1] >= len("Difference") / 48 - 0.01


def test_pdf_tables_carry_their_column_widths(drawn, monkeypatch):
    captured: dict[str, str] = {}
    original = pdf_module.render_to_string

    def keep_html(*args, **kwargs):
        captured["html"] = original(*args, **kwargs)
        return captured["html"]

    monkeypatch.setattr(pdf_module, "render_to_string", keep_html)
    report = build_summative(build_showcase())
    pdf(report)
    for table in report.tables():
        found = re.search(
            rf'<table class="[^"]*figures--fixed[^"]*" id="table-{table.key}">.*?<colgroup>(.*?)'
            "</colgroup>",
            captured["html"],
            re.S,
        )
        assert found, table.key
        assert found.group(1).count("<col ") == len(table.columns), table.key


def test_a_wide_table_never_squeezes_a_column_below_its_longest_word():
    """The comparison table of a summative PDF: nine columns, one of sentences. Every column
    keeps room for its longest word (a code, a number), so none is broken across lines; a table
    whose words alone overflow the page shares it in proportion to them."""
    from reports.exporters.base import (
        CELL_PADDING,
        PAGE_CHARACTERS,
        WIDE_COLUMNS,
        WIDE_MINIMUM,
        _width,
    )

    columns = ["Outcome", "Statement", "Staff (n)", "Staff mean", "Users and carers (n)"]
    columns += ["Users mean", "Difference", "p", "Flag"]
    rows = [
        ["O-CONTACT", "I know who to contact when I need help, and they get back to me."]
        + ["35", "3.11", "25", "2.56", "-0.55", "0.15", "Assumed"],
        ["O-TIMELY", "I get help when I need it, before things become a crisis."]
        + ["1,234", "3.44", "24", "2.42", "-1.03", "0.01", "Over"],
    ]

    def needs(columns, rows):
        return [
            max(
                max(_width(w) for text in [c, *(r[j] for r in rows)] for w in text.split()),
                WIDE_MINIMUM if c in WIDE_COLUMNS else 3,
            )
            + CELL_PADDING
            for j, c in enumerate(columns)
        ]

    widths = column_widths(columns, rows)
    assert sum(widths) == pytest.approx(100, abs=0.05)
    for j, need in enumerate(needs(columns, rows)):
        assert widths[j] / 100 * PAGE_CHARACTERS >= need - 0.01, columns[j]
    assert widths[1] == max(widths)  # the sentences take what is left

    many = [*columns, *(f"Measure {n}" for n in range(8))]
    wide = [[*row, *(["12.345"] * 8)] for row in rows]
    shares = column_widths(many, wide)
    wanted = needs(many, wide)
    assert sum(wanted) > PAGE_CHARACTERS
    for share, need in zip(shares, wanted, strict=True):
        assert share == pytest.approx(100 * need / sum(wanted), abs=0.01)
