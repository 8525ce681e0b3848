"""Issue 17, item 5: reports in English or Welsh. Built in Welsh (the report job runs inside
`translation.override`), a report's headings, table headings, explanations, methods appendix and
glossary are Welsh, its outcome statements are the wave's Welsh ones where the wave's
translation of them is complete, and every figure is the English report's; the page, the HTML
and the PDF say the same; English stays as it was."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import formats, translation

from poet.models import Role
from reports.content import build_formative, build_summative
from reports.documents import Hidden, Report
from reports.exporters import get_exporter
from surveys.selectors.translations import wave_texts
from surveys.services.translations import save_translations, set_languages
from tests.factories import member
from tests.reports.reporting import pdf_text
from tests.reports.test_report_content import seeded

pytestmark = pytest.mark.django_db


def welsh(build, wave) -> Report:
    with translation.override("cy"):
        return build(wave)


def figures(report: Report) -> dict[str, list[list]]:
    """Every number and hidden figure of every table, by table, in place (texts left out)."""
    return {
        t.key: [
            [
                c if isinstance(c, int | float | Hidden) and not isinstance(c, bool) else ""
                for c in row
            ]
            for row in t.rows
        ]
        for t in report.tables()
    }


def statements_in_welsh(wave, *, complete: bool = True) -> dict[str, str]:
    """The wave offers Welsh and has a Welsh outcome statement for each of its outcomes (all but
    one when not ``complete``): code → the Welsh statement."""
    set_languages(wave, ["cy"])
    keys = sorted(t.key for t in wave_texts(wave) if re.fullmatch(r"outcome\.[^.]+\.text", t.key))
    assert keys
    texts = {key: f"Datganiad Cymraeg {key.split('.')[1]}" for key in keys}
    if not complete:
        texts.pop(keys[-1])
    save_translations(wave, "cy", texts)
    return {key.split(".")[1]: text for key, text in texts.items()}


def test_the_formative_report_in_welsh_has_welsh_words_and_the_same_figures():
    wave = seeded().wave
    english, cymraeg = build_formative(wave), welsh(build_formative, wave)

    assert cymraeg.title.startswith("Adroddiad ffurfiannol: ")
    titles = [s.title for s in cymraeg.sections]
    assert titles[:3] == ["Prif ganfyddiadau", "Pwy atebodd", "Sut deimlad yw cydweithio"]
    assert "Beth sydd wedi’i guddio, a pham" in titles and "Geirfa" in titles
    tables = {t.key: t for t in cymraeg.tables()}
    assert tables["domains_overall"].columns == [
        "Agwedd",
        "Staff (n)",
        "Cymedr",
        "Gwyriad safonol",
        "Cadarnhaol (%)",
    ]
    assert tables["staff_importance"].columns[4:6] == ["Canolrif", "Amrediad rhyngchwartel"]
    # a hidden figure says why in Welsh; the glossary still lists the terms the tables use
    # (a hidden cell is worded when it is written: the report job writes inside the override)
    with translation.override("cy"):
        hidden = {
            str(c) for t in cymraeg.tables() for row in t.rows for c in row if isinstance(c, Hidden)
        }
    assert "wedi’i guddio: llai na 5 o bobl" in hidden
    assert tables["glossary"].columns == ["Term", "Ystyr"]
    assert len(tables["glossary"].rows) == len(
        {t.key: t for t in english.tables()}["glossary"].rows
    )
    # the key findings, worded by the analysis, are Welsh too
    assert all(
        not str(row[0]).startswith(("Staff are", "Partners see"))
        for row in tables["key_findings"].rows
    )

    assert figures(cymraeg) == figures(english)
    assert [s.key for s in cymraeg.sections] == [s.key for s in english.sections]
    # English is untouched
    assert english.title.startswith("Formative report: ")
    assert [s.title for s in english.sections][:3] == [
        "Key findings",
        "Who answered",
        "How working together feels",
    ]


def test_the_summative_report_in_welsh_has_the_methods_appendix_and_welsh_statements():
    wave = seeded().wave
    statements = statements_in_welsh(wave)
    english, cymraeg = build_summative(wave), welsh(build_summative, wave)

    sections = {s.key: s for s in cymraeg.sections}
    methods = sections["methods"]
    assert methods.title == "Dulliau a chyfyngiadau"
    text = " ".join(methods.paragraphs)
    assert "phrawf U Mann–Whitney" in text and "Benjamini–Hochberg" in text
    assert "maint effaith Cliff's delta" in text and "Pobl: atebodd" in text
    tables = {t.key: t for t in cymraeg.tables()}
    assert tables["methods_people"].columns == ["Ffigur", "Gwerth"]
    assert tables["methods_people"].rows[4][0] == "Maint lleiaf grŵp (k)"
    assert tables["importance_comparison"].columns[:4] == [
        "Canlyniad",
        "Datganiad",
        "Staff (n)",
        "Cymedr staff",
    ]
    assert "gwerth-p prawf U Mann–Whitney" in tables["importance_comparison"].note
    # outcome statements as the wave's Welsh gives them, in every table that names them
    for row in tables["importance_comparison"].rows:
        assert row[1] == statements[row[0]]
    assert tables["chosen_outcomes"].rows[0][1] == statements["O-1"]
    # the date of the run in Welsh, its figures unchanged
    computed = tables["methods_people"].rows[-1][1]
    with translation.override("cy"):
        assert computed == formats.date_format(english_run_finished(english), "d F Y H:i")

    assert figures(cymraeg) == figures(english)
    english_tables = {t.key: t for t in english.tables()}
    assert english_tables["methods_people"].columns == ["Figure", "Value"]
    assert english_tables["importance_comparison"].rows[0][1] not in statements.values()
    assert {s.title for s in english.sections} >= {"Methods and limitations", "Glossary"}


def english_run_finished(report: Report):
    from reports.models import ComparisonRun

    return ComparisonRun.objects.get(pk=report.run_id).finished_at


def test_outcome_statements_stay_english_while_the_welsh_of_them_is_incomplete():
    wave = seeded().wave
    statements_in_welsh(wave, complete=False)
    english = {t.key: t for t in build_summative(wave).tables()}["importance_comparison"]
    cymraeg = {t.key: t for t in welsh(build_summative, wave).tables()}["importance_comparison"]
    assert [row[1] for row in cymraeg.rows] == [row[1] for row in english.rows]
    assert cymraeg.columns[1] == "Datganiad"  # the report's own words are Welsh all the same


@pytest.mark.parametrize(
    "build", [build_formative, build_summative], ids=["formative", "summative"]
)
def test_the_html_file_in_welsh(build):
    wave = seeded().wave
    with translation.override("cy"):
        report = build(wave)
        out = io.BytesIO()
        get_exporter("html").render(report, out)
        month = formats.date_format(report.generated_at, "F")
    page = out.getvalue().decode("utf-8")
    assert '<html lang="cy">' in page
    assert "<dt>Partneriaeth</dt>" in page and "<dt>Cylch</dt>" in page
    assert ">Cynnwys</h2>" in page and "Y grŵp lleiaf a ddangosir" in page
    assert "Prif ganfyddiadau" in page and "Termau a ddefnyddir (gweler yr eirfa):" in page
    assert month in page and month not in {"December", "January"}
    assert ">Contents<" not in page and "Smallest group shown" not in page


def test_the_pdf_in_welsh(tmp_path):
    wave = seeded().wave
    statements = statements_in_welsh(wave)
    with translation.override("cy"):
        report = build_summative(wave)
        out = io.BytesIO()
        get_exporter("pdf").render(report, out)
    path = tmp_path / "adroddiad.pdf"
    path.write_bytes(out.getvalue())
    text = " ".join(pdf_text(path).split())
    for words in [
        "Adroddiad crynodol",
        "Cynnwys",
        "Dulliau a chyfyngiadau",
        "phrawf U Mann–Whitney",
        "Prif ganfyddiadau",
        "Tudalen 1 o",
        statements["O-1"],
    ]:
        assert words in text, words
    assert "Methods and limitations" not in text and "Page 1 of" not in text


def test_a_manager_reads_the_report_page_in_welsh_and_in_english(client):
    wave = seeded().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    url = f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/summative/"
    english = client.get(url).content.decode()
    client.cookies["django_language"] = "cy"
    cymraeg = client.get(url).content.decode()
    assert "Adroddiad crynodol" in cymraeg and "Dulliau a chyfyngiadau" in cymraeg
    assert "Lawrlwytho’r adroddiad hwn" in cymraeg and "Termau a ddefnyddir:" in cymraeg
    assert "Methods and limitations" not in cymraeg
    assert "Methods and limitations" in english and "Download this report" in english
    assert "Dulliau a chyfyngiadau" not in english
