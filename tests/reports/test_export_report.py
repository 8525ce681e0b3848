"""`manage.py export_report`: each format opened and read back, suppression and escaping held."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from poet.models import AuditEvent
from reports.content import build_formative, build_summative
from reports.exporters.csv import REPORT_TABLE_COLUMNS
from reports.models import ComparisonRow, ComparisonRun
from tests.reports.reporting import (
    FORMULA,
    SAFE,
    SCRIPT,
    TINY,
    lines_without_figures,
    pdf_text,
    seeded_wave,
)

pytestmark = pytest.mark.django_db


def export(tmp_path, wave, kind: str, format: str, *extra) -> bytes:
    path = tmp_path / f"{kind}.{format}"
    out = io.StringIO()
    call_command(
        "export_report",
        wave.partnership.slug,
        wave.slug,
        "--kind",
        kind,
        "--format",
        format,
        "--output",
        str(path),
        *extra,
        stdout=out,
    )
    assert f"Wrote the {kind} report" in out.getvalue()
    return path.read_bytes()


@pytest.fixture
def wave():
    return seeded_wave().wave


def overall(outcome: str, measure: str) -> ComparisonRow:
    return ComparisonRow.objects.get(outcome=outcome, measure=measure, breakdown="all")


def test_summative_pdf_holds_statements_and_figures_of_the_run(tmp_path, wave):
    data = export(tmp_path, wave, "summative", "pdf")
    assert data.startswith(b"%PDF")
    (tmp_path / "s.pdf").write_bytes(data)
    text = pdf_text(tmp_path / "s.pdf")
    row = overall("O-0", "importance")
    for expected in [
        SAFE,
        SCRIPT,
        FORMULA,
        "Contents",
        "Page 2 of",
        f"{row.mean_staff:.2f}",
        f"{row.mean_users:.2f}",
    ]:
        assert expected in text, expected
    assert lines_without_figures(text, TINY)
    events = AuditEvent.objects.filter(action="report.downloaded")
    assert events.count() == 1 and events.get().detail["format"] == "pdf"


def test_formative_pdf_shows_comments_as_text_and_hides_the_small_group(tmp_path, wave):
    (tmp_path / "f.pdf").write_bytes(export(tmp_path, wave, "formative", "pdf"))
    text = pdf_text(tmp_path / "f.pdf")
    assert SCRIPT in text and "Nurses X" in text
    assert lines_without_figures(text, TINY)


def test_summative_xlsx_cells_equal_the_stored_comparison_rows(tmp_path, wave):
    book = load_workbook(io.BytesIO(export(tmp_path, wave, "summative", "xlsx")))
    assert book.sheetnames[0] == "Notes"
    sheet = next(
        s
        for s in book.worksheets
        if s["A1"].value == "Importance: all staff and all service users and carers"
    )
    assert sheet.title == "Importance – all staff and all…"  # named after its title
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[1])
    body = {
        r[0]: dict(zip(header, r, strict=True))
        for r in rows[2:]
        if len(r) == len(header) and str(r[0]).startswith("O-")
    }
    assert set(body) == {"O-0", "O-1", "O-2"}
    for code, cells in body.items():
        stored = overall(code, "importance")
        assert cells["Staff (n)"] == stored.n_staff
        assert cells["Staff mean"] == pytest.approx(stored.mean_staff, abs=0.005)
    assert body["O-2"]["Statement"] == "'" + FORMULA  # inert
    assert body["O-1"]["Statement"] == SCRIPT
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def test_formative_xlsx_never_shows_a_figure_of_the_small_group(tmp_path, wave):
    book = load_workbook(io.BytesIO(export(tmp_path, wave, "formative", "xlsx")))
    seen = False
    for sheet in book.worksheets[1:]:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for row in rows:
            if TINY in row:
                seen = True
                # as a row label: no number beside it
                if row.index(TINY) == 0:  # 0 invitations is not about answers
                    assert not any(isinstance(c, int | float) and c for c in row), row
                else:  # as a column: every figure below it hidden
                    col = row.index(TINY)
                    below = [r[col] for r in rows[rows.index(row) + 1 :] if r[0]]
                    assert all(c in (None, "") for c in below), sheet.title
    assert seen  # its name may appear


def test_each_report_csv_holds_its_own_tables_with_hidden_figures_empty(tmp_path, wave):
    summative = list(
        csv.DictReader(io.StringIO(export(tmp_path, wave, "summative", "csv").decode()))
    )
    formative = list(
        csv.DictReader(io.StringIO(export(tmp_path, wave, "formative", "csv").decode()))
    )
    assert list(summative[0]) == list(REPORT_TABLE_COLUMNS)
    assert {r["table"] for r in summative} == {t.key for t in build_summative(wave).tables()}
    assert {r["table"] for r in formative} == {t.key for t in build_formative(wave).tables()}
    assert {r["table"] for r in summative} != {r["table"] for r in formative}
    run = ComparisonRun.objects.get()
    shown = run.rows.get(outcome="O-0", measure="importance", breakdown="all")
    importance = [r for r in summative if r["table"] == "importance_comparison"]
    mean = next(
        r
        for r in importance
        if r["row"] == "O-0" and "staff" in r["column"].lower() and "mean" in r["column"].lower()
    )
    assert float(mean["value"]) == pytest.approx(shown.mean_staff, abs=0.005)
    hidden = [r for r in formative + summative if r["hidden"]]
    assert hidden and all(r["value"] == "" and r["hidden"].startswith("hidden") for r in hidden)
    assert any(r["row"] == TINY for r in hidden)  # the small team's figures are hidden
    for report, lines in ((build_formative(wave), formative), (build_summative(wave), summative)):
        figures = sum(len(t.rows) * max(1, len(t.columns) - 1) for t in report.tables())
        assert len(lines) == figures  # one line per figure, every table
    entry = wave.partnership.audit_events.get(action="report.downloaded", detail__kind="summative")
    assert entry.detail == {
        "step": "generated",
        "via": "command",
        "wave": wave.slug,
        "kind": "summative",
        "format": "csv",
        "run": run.pk,
        "compared_with": None,
        "language": "en-gb",  # the report's language (issue 17, item 5)
    }


def test_html_holds_plotly_charts_tables_and_escaped_text(tmp_path, wave):
    html = export(tmp_path, wave, "summative", "html").decode()
    assert 'id="chart-data-' in html and "Plotly.newPlot" in html
    assert SAFE in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert f"<td>{overall('O-0', 'importance').n_staff}</td>" in html


def test_compare_with_an_earlier_wave(tmp_path, wave):
    earlier = seeded_wave().wave
    earlier.partnership = wave.partnership
    earlier.save()
    data = export(tmp_path, wave, "summative", "html", "--compare-with", earlier.slug)
    assert data


def test_no_comparison_run_is_a_clear_error(tmp_path):
    wave = seeded_wave(run=False).wave
    path = tmp_path / "none.pdf"
    with pytest.raises(CommandError, match="no finished comparison run"):
        call_command(
            "export_report",
            wave.partnership.slug,
            wave.slug,
            "--kind",
            "summative",
            "--format",
            "pdf",
            "--output",
            str(path),
        )
    assert not path.exists()


def test_unknown_wave_or_earlier_wave_is_a_clear_error(tmp_path, wave):
    with pytest.raises(CommandError, match="No wave"):
        call_command(
            "export_report",
            "nope",
            "nope",
            "--kind",
            "summative",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="no wave 'gone'"):
        call_command(
            "export_report",
            wave.partnership.slug,
            wave.slug,
            "--kind",
            "summative",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
            "--compare-with",
            "gone",
        )
