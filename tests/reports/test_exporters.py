"""Every exporter lays out the same Report: text escaped, formulas inert, hidden figures hidden."""

import io
import subprocess
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from reports.documents import Chart, Hidden, Report, Section, Table
from reports.exporters import (
    ANSWERS_EXPORTERS,
    EXPORTERS,
    get_answers_exporter,
    get_exporter,
    report_formats,
)
from reports.exporters.base import format_cell, neutralise
from reports.exporters.xlsx import sheet_names
from tests.conftest import require

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'


def handmade_report() -> Report:
    figure = {
        "data": [{"type": "bar", "x": ["Staff", "Users"], "y": [3.25, 2.5]}],
        "layout": {"title": {"text": "Importance of feeling safe"}},
    }
    outcomes = Table(
        "outcomes",
        "Outcomes and their importance",
        ["Outcome", "Statement", "Staff (n)", "Mean"],
        [
            ["O-1", "I feel safe at home", 12, 3.25],
            ["O-2", SCRIPT, 8, -0.5],
            ["O-3", FORMULA, Hidden(5), Hidden(5)],
        ],
        note="Mean on a scale of 1 to 5.",
    )
    groups = Table(
        "groups",
        "By staff group",
        ["Staff group", "Staff (n)", "Mean"],
        [["Nurses", 9, 3.75], ["Tiny team", Hidden(5), Hidden(5)]],
    )
    chart = Chart(
        "importance",
        "Importance: staff and users",
        figure,
        Table(
            "importance_table",
            "Importance (table)",
            ["Audience", "Mean"],
            [["Staff", 3.25], ["Users", 2.5]],
        ),
        "Staff rate feeling safe as more important than users do.",
    )
    return Report(
        kind="summative",
        title="Summative report: Baseline",
        partnership="Alpha partnership",
        wave="Baseline",
        k=5,
        generated_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        run_id=None,
        sections=[
            Section("outcomes", "Outcomes", [f"A comment: {SCRIPT}"], [outcomes, chart]),
            Section("groups", "Staff groups", [], [groups]),
        ],
    )


def rendered(format: str) -> bytes:
    out = io.BytesIO()
    calls = []
    get_exporter(format).render(handmade_report(), out, lambda f, m="": calls.append(f))
    assert calls and calls[-1] == 1.0  # progress reaches the end
    return out.getvalue()


def pdf_text(data: bytes, tmp_path) -> str:
    require(
        subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0,
        "the test needs pdftotext (apt-get install poppler-utils)",
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_registry_serves_every_format():
    assert {"pdf", "xlsx", "csv", "html"} <= set(EXPORTERS)
    assert {e.identifier for e in report_formats()} == {"pdf", "xlsx", "csv", "html"}
    assert set(ANSWERS_EXPORTERS) == {"answers_csv"}  # not a report: its own interface
    for exporter in [*EXPORTERS.values(), *ANSWERS_EXPORTERS.values()]:
        assert exporter.verbose_name and exporter.extension and exporter.content_type
    with pytest.raises(KeyError, match="pdf"):
        get_exporter("docx")
    with pytest.raises(KeyError, match="pdf"):
        get_exporter("answers_csv")  # the raw answers are not a report format
    assert get_answers_exporter("answers_csv").filename("p", "w") == "p-w-answers.csv"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=x", "\n'=x"),  # line breaks as LF, so every CSV writer quotes them
        ("a\r\n=1+1", "a\n'=1+1"),
        ("a\r@b\n-c", "a\n'@b\n'-c"),
        ("ok\nfine", "ok\nfine"),
        ("Nurses", "Nurses"),
        ("-0.25", "'-0.25"),  # text that looks like a number is still text
        (-0.25, -0.25),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise_changes_only_formula_text(cell, expected):
    assert neutralise(cell) == expected


def test_cells_read_as_people_read_them():
    assert format_cell(Hidden(7)) == "hidden: fewer than 7 people"
    assert format_cell(Hidden(7, "secondary")) == "hidden so a smaller group cannot be worked out"
    assert format_cell(None) == ""
    assert format_cell(3.14159) == "3.14"
    assert format_cell(12) == "12"


def test_sheet_names_are_readable_unique_short_and_legal():
    names = sheet_names(
        ["Importance: all staff and all service users and carers", "a" * 40, "a" * 40]
        + ["x/y?z", "Notes", "Priority agreement"]
    )
    assert names[0] == "Importance – all staff and all…"
    assert len(set(n.lower() for n in names)) == 6
    assert all(len(n) <= 31 for n in names)
    assert names[1] != names[2] and names[2].endswith(" (2)")
    assert names[3] == "x-y-z" and names[4].lower() != "notes"
    assert names[5] == "Priority agreement"


def test_pdf_holds_statements_figures_and_contents_with_text_escaped(tmp_path):
    data = rendered("pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    for expected in [
        "Summative report: Baseline",
        "Contents",
        "I feel safe at home",
        "3.25",
        "-0.50",
        SCRIPT,  # shown as text, not run
        FORMULA,
        "fewer than 5 people",
        "Page 1 of",
        "Mean on a scale of 1 to 5.",
    ]:
        assert expected in text, expected
    tiny = [line for line in text.splitlines() if "Tiny team" in line]
    assert tiny and all("fewer than 5 people" in line for line in tiny)
    assert all(
        not any(ch.isdigit() for ch in line.replace("fewer than 5 people", "")) for line in tiny
    )


def test_xlsx_has_notes_and_one_sheet_per_table_with_formulas_inert():
    book = load_workbook(io.BytesIO(rendered("xlsx")))
    assert book.sheetnames == [
        "Notes",
        "Outcomes and their importance",
        "Importance (table)",
        "By staff group",
    ]
    notes = [c for row in book["Notes"].iter_rows(values_only=True) for c in row if c]
    assert "Summative report: Baseline" in notes and "fewer than 5" in " ".join(map(str, notes))
    sheet = book["Outcomes and their importance"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Outcomes and their importance", None, None, None)
    assert rows[1] == ("Outcome", "Statement", "Staff (n)", "Mean")
    assert rows[2] == ("O-1", "I feel safe at home", 12, 3.25)
    assert rows[3] == ("O-2", SCRIPT, 8, -0.5)  # a negative figure stays a number
    assert rows[4] == ("O-3", "'" + FORMULA, None, None)  # hidden: empty, never text
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    groups = list(book["By staff group"].iter_rows(values_only=True))
    assert groups[3] == ("Tiny team", None, None)


def test_xlsx_numbers_are_numbers_hidden_cells_empty_with_a_comment_and_sheets_readable():
    book = load_workbook(io.BytesIO(rendered("xlsx")))
    sheet = book["Outcomes and their importance"]
    assert sheet.freeze_panes == "B3"  # title and column names stay in view, and row labels
    for column in "CD":  # number columns: numbers or empty, never text
        cells = [sheet[f"{column}{r}"] for r in range(3, 6)]
        assert all(c.value is None or isinstance(c.value, int | float) for c in cells)
    hidden = sheet["C5"]
    assert hidden.value is None and hidden.comment.text == "hidden: fewer than 5 people"
    assert sheet["D5"].comment.text == "hidden: fewer than 5 people"
    assert sheet["C3"].comment is None
    widths = {c: sheet.column_dimensions[c].width for c in "ABCD"}
    assert widths["B"] >= len("<script>alert(1)</script>")  # the statement fits
    assert all(8 <= w <= 60 for w in widths.values())
    notes = book["Notes"]
    assert notes.freeze_panes is None
    text = [c for row in notes.iter_rows(values_only=True) for c in row if c is not None]
    assert "What is hidden, and why" in text
    assert any("empty cell with a comment" in str(c) for c in text)
    listing = text[text.index("Sheet") :]
    assert listing[:4] == ["Sheet", "Table", "Hidden figures", "Note"]
    i = listing.index("Outcomes and their importance")
    assert listing[i + 2] == 2  # two hidden figures on that sheet
    j = listing.index("By staff group")
    assert listing[j + 2] == 2


def test_html_is_self_contained_with_charts_tables_and_escaped_text():
    html = rendered("html").decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Plotly.newPlot" in html and "https://" not in html.split("<script>")[0]
    assert 'id="chart-data-importance"' in html and "Importance of feeling safe" in html
    assert "<td>3.25</td>" in html
    assert '<td class="hidden-figure">hidden: fewer than 5 people</td>' in html
    assert 'src="http' not in html and "<link" not in html  # nothing fetched from elsewhere
    assert len(html) > 1_000_000  # plotly.js inline


def test_html_chart_data_cannot_close_its_script():
    report = handmade_report()
    report.charts().__next__().figure["layout"]["title"]["text"] = "</script><b>x</b>"
    out = io.BytesIO()
    get_exporter("html").render(report, out)
    assert "</script><b>x</b>" not in out.getvalue().decode()
