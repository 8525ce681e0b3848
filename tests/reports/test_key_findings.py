"""The key findings page first in both reports, on the page and in every file, each finding
pointing to its table and never drawn from a hidden figure (issue 15, item 6)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from poet.models import Role
from reports.content import build_formative, build_summative
from reports.documents import Link
from reports.exporters import get_exporter
from reports.models import ComparisonRow, ComparisonRun
from tests.factories import WaveFactory, member
from tests.reports.test_report_content import seeded

pytestmark = pytest.mark.django_db


def stored_run(wave, rows, *, k=5):
    """A stored run of `wave` with rows (outcome, measure, staff, users, q, flag, suppressed);
    a suppressed row keeps its figures in the database, as a run may, to prove none leaks."""
    run = ComparisonRun.objects.create(
        wave=wave, k=k, fingerprint=f"f{wave.pk}", used_at=timezone.now()
    )
    for position, (outcome, measure, staff, users, q, flag, suppressed) in enumerate(rows):
        ComparisonRow.objects.create(
            run=run,
            position=position,
            outcome=outcome,
            measure=measure,
            breakdown="all",
            group="all",
            n_staff=20,
            mean_staff=staff,
            sd_staff=1.0,
            n_users=12,
            mean_users=users,
            sd_users=1.0,
            mean_diff=users - staff,
            ci_low=users - staff - 0.3,
            ci_high=users - staff + 0.3,
            q_value=q,
            flag=flag,
            suppressed=suppressed,
            suppression="primary" if suppressed else "",
        )
    return run


def findings_of(report):
    section = report.sections[0]
    assert section.key == "key-findings" and section.title == "Key findings"
    return section


@pytest.mark.parametrize("build", [build_formative, build_summative])
def test_key_findings_come_first_and_point_to_tables_of_the_report(build):
    report = build(seeded().wave)
    section = findings_of(report)
    keys = {t.key for t in report.tables()}
    if section.blocks:
        [table] = section.blocks
        assert 1 <= len(table.rows) <= 5
        for _finding, where in table.rows:
            assert isinstance(where, Link) and where.table in keys and where.table != table.key
    else:
        assert section.paragraphs and section.paragraphs[0]


def test_summative_findings_from_shown_figures_only():
    wave = WaveFactory()
    stored_run(
        wave,
        [
            ("O-GAP", "importance", 4.6, 3.1, 0.001, "assumed_not_valued", False),
            ("O-BLIND", "importance", 2.9, 4.4, 0.01, "blind_spot", False),
            ("O-WELL", "achievement", 3.5, 4.3, 0.4, "", False),
            ("O-SECRET", "importance", 5.0, 1.0, 0.0001, "assumed_not_valued", True),
            ("O-SECRET", "achievement", 1.0, 5.0, 0.0001, "under_estimated", True),
        ],
    )
    report = build_summative(wave)
    [table] = findings_of(report).blocks
    texts = [row[0] for row in table.rows]
    assert "O-GAP" in texts[0] and "4.60 against 3.10" in texts[0]
    assert "O-BLIND" in texts[1] and "blind spot" in texts[1]
    assert "O-WELL" in texts[2] and "4.30 out of 5" in texts[2]
    assert not any("SECRET" in str(cell) for row in table.rows for cell in row)
    assert [row[1].table for row in table.rows] == [
        "importance_comparison",
        "importance_comparison",
        "achievement_comparison",
    ]
    assert table.rows[0][1] == "Importance: all staff and all service users and carers"


def test_all_hidden_and_nothing_to_say_are_one_sentence():
    wave = WaveFactory()
    stored_run(wave, [("O-1", "importance", 4.0, 1.0, 0.001, "assumed_not_valued", True)])
    section = findings_of(build_summative(wave))
    assert section.blocks == []
    assert section.paragraphs == [
        "There are no key findings: every comparison of staff with service users and carers is "
        "hidden because it is about fewer than 5 people, or none was made."
    ]
    calm = WaveFactory()
    stored_run(calm, [("O-1", "importance", 3.0, 3.1, 0.9, "", False)])
    [sentence] = findings_of(build_summative(calm)).paragraphs
    assert sentence.startswith("Nothing stands out enough to be a key finding")


def test_change_since_an_earlier_wave_is_a_finding():
    earlier = WaveFactory(name="Baseline")
    later = WaveFactory(partnership=earlier.partnership, name="One year on")
    later.created_at = earlier.created_at + datetime.timedelta(days=365)
    later.save(update_fields=["created_at"])
    stored_run(earlier, [("O-1", "achievement", 2.0, 2.0, 0.9, "", False)])
    stored_run(later, [("O-1", "achievement", 3.5, 3.6, 0.9, "", False)])
    report = build_summative(later, compare_with=earlier)
    [table] = findings_of(report).blocks
    texts = [row[0] for row in table.rows]
    assert any(t.startswith("Since Baseline, the mean achievement given by staff") for t in texts)
    assert any(row[1].table == "change_outcomes" for row in table.rows)


def test_a_report_without_a_run_has_no_findings_page():
    wave = WaveFactory()
    assert build_summative(wave).sections == [] and build_formative(wave).sections == []


def test_the_page_opens_with_key_findings_linked_to_their_tables(client):
    wave = WaveFactory()
    stored_run(wave, [("O-GAP", "importance", 4.6, 3.1, 0.001, "assumed_not_valued", False)])
    client.force_login(member(wave.partnership, Role.MANAGER))
    url = f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/summative/"
    page = client.get(url).content.decode()
    contents = page.index('id="contents-heading"')
    assert page.index('href="#key-findings"', contents) < page.index('href="#importance"')
    assert '<a class="govuk-link" href="#table-importance_comparison">' in page
    assert 'id="table-importance_comparison"' in page
    assert page.index('id="key-findings"') < page.index('id="importance"')


def test_every_file_holds_the_key_findings(tmp_path):
    wave = WaveFactory()
    stored_run(wave, [("O-GAP", "importance", 4.6, 3.1, 0.001, "assumed_not_valued", False)])
    report = build_summative(wave)
    files = {}
    for format in ("csv", "xlsx", "html"):
        out = io.BytesIO()
        get_exporter(format).render(report, out)
        files[format] = out.getvalue()
    lines = list(csv.DictReader(io.StringIO(files["csv"].decode())))
    first = lines[0]
    assert first["table"] == "key_findings" and first["column"] == "The figures"
    assert "O-GAP" in first["row"]
    assert first["value"] == "Importance: all staff and all service users and carers"
    book = load_workbook(io.BytesIO(files["xlsx"]))
    assert book.sheetnames[1] == "Key findings"
    html = files["html"].decode()
    assert '<a href="#table-importance_comparison">' in html
    assert 'id="table-importance_comparison"' in html
    assert html.index('id="section-key-findings"') < html.index('id="section-importance"')


def test_formative_findings_never_name_a_hidden_group():
    report = build_formative(seeded().wave)
    section = findings_of(report)
    [table] = section.blocks
    assert table.rows and all("Tiny org" not in str(cell) for row in table.rows for cell in row)
    kinds = [row[1].table for row in table.rows]
    assert kinds[:2] == ["domains_overall", "domains_overall"]  # strongest, then weakest
