"""The glossary (issue 15, item 9): a page open to everyone, an appendix of every report file,
and a link from every table that uses a term."""

from __future__ import annotations

import csv
import io
import re

import pytest

from poet.glossary import TERMS
from poet.models import Role
from reports.content import build_summative
from reports.documents import Hidden, Table, terms_in
from reports.exporters import get_exporter
from tests.factories import WaveFactory, member
from tests.reports.reporting import pdf_text
from tests.reports.test_key_findings import stored_run
from tests.reports.test_report_content import seeded

pytestmark = pytest.mark.django_db

GAP = [("O-GAP", "importance", 4.6, 3.1, 0.001, "assumed_not_valued", False)]


def slugs(table: Table) -> list[str]:
    return [t.slug for t in terms_in(table)]


def test_the_glossary_page_is_open_to_everyone_and_names_every_term(client):
    response = client.get("/glossary/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1 and "<title>Glossary" in page
    for term in TERMS:
        assert f'id="term-{term.slug}"' in page and f'href="#term-{term.slug}"' in page
    assert "Cliff&#x27;s delta" in page and "q value" in page and "Blind spot" in page
    assert client.post("/glossary/").status_code == 405
    assert 'href="/glossary/"' in client.get("/accounts/login/").content.decode()  # footer


def test_a_table_uses_the_terms_its_headings_title_and_hidden_cells_name():
    table = Table(
        key="t",
        title="Where staff and users differ",
        columns=["Outcome", "Staff (n)", "q", "Cliff's delta", "95% CI low", "Flag"],
        rows=[["O-1", 12, 0.01, 0.4, -1.0, "Blind spot"], ["O-2", Hidden(5), None, None, None, ""]],
    )
    used = slugs(table)
    for slug in ("n", "q-value", "cliffs-delta", "confidence-interval", "blind-spot", "k"):
        assert slug in used
    assert "p-value" not in used and "domain" not in used
    plain = Table(key="p", title="Response rates", columns=["Organisation", "Invited"], rows=[])
    assert slugs(plain) == []
    assert slugs(Table(key="glossary", title="Terms", columns=["Term", "Meaning"], rows=[])) == []


def test_every_report_table_links_its_terms_to_the_glossary_page(client):
    wave = seeded().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    glossary = client.get("/glossary/").content.decode()
    linked = set()
    for kind in ("formative", "summative"):
        url = f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/{kind}/"
        page = client.get(url).content.decode()
        assert 'href="/glossary/"' in page
        assert 'id="glossary"' not in page  # the appendix is for the files
        for caption in re.findall(r"<caption.*?</caption>", page, re.S):
            for slug in re.findall(r'href="/glossary/#term-([\w-]+)"', caption):
                assert f'id="term-{slug}"' in glossary
                linked.add(slug)
        if kind == "summative":
            caption = re.search(
                r'id="table-importance_comparison-caption">(.*?)</caption>', page, re.S
            ).group(1)
            for slug in ("q-value", "cliffs-delta", "confidence-interval", "assumed-not-valued"):
                assert f'href="/glossary/#term-{slug}"' in caption
    assert {"q-value", "cliffs-delta", "k", "consensus", "positive", "domain"} <= linked


def test_the_files_end_with_the_glossary_of_the_terms_they_use():
    wave = WaveFactory()
    stored_run(wave, GAP)
    report = build_summative(wave)
    assert report.sections[-1].key == "glossary"
    [table] = report.sections[-1].blocks
    terms = [row[0] for row in table.rows]
    assert "q value" in terms and "Cliff's delta" in terms
    assert "Aspect of working together (domain)" not in terms  # not used in this report
    html = io.BytesIO()
    get_exporter("html").render(report, html)
    text = html.getvalue().decode()
    assert text.index('id="section-glossary"') > text.index('id="section-importance"')
    assert '<a href="#table-glossary">q value</a>' in text and 'id="table-glossary"' in text
    out = io.BytesIO()
    get_exporter("csv").render(report, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode())))
    assert any(r["table"] == "glossary" and r["row"] == "q value" for r in rows)


def test_the_pdf_opens_with_key_findings_and_ends_with_the_glossary(tmp_path):
    wave = WaveFactory()
    stored_run(wave, GAP)
    path = tmp_path / "report.pdf"
    with path.open("wb") as out:
        get_exporter("pdf").render(build_summative(wave), out)
    text = pdf_text(path)
    findings = text.index("Key findings\n", text.index("Contents"))
    assert findings < text.index("O-GAP") < text.rindex("Glossary")
    assert "Terms used (see the glossary)" in text
