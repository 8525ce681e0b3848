"""The joint display of the summative report (issue 16, item 6): per chosen outcome, the
comparison run's own figures beside the themes coded to it, the people who raised them (hidden
under k with the Themes page's words) and the quotes picked; a sentence on numbers and words;
the possible blind spots; in every format, and never a name."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from django.core.management import call_command

from outcomes.models import (
    ChosenOutcome,
    Coding,
    FollowUpSchedule,
    FollowUpSession,
    Participant,
    Quote,
    Theme,
)
from outcomes.selectors.themes import theme_table
from outcomes.services.quotes import QuoteError, pick_quote
from outcomes.services.sources import add_source, confirm_masking
from poet.models import OutcomeStatement, Role
from reports.content import build_summative
from reports.documents import Hidden
from reports.exporters import get_exporter
from reports.models import ComparisonRow
from tests.factories import member
from tests.reports.builders import build_wave
from tests.reports.reporting import pdf_text

pytestmark = pytest.mark.django_db

SAID = "Priya Ramanathan helped me stay in my own home, and that matters most."
QUOTED = "[name] helped me stay in my own home, and that matters most."
CARER_SAID = "The bus to the day centre stopped, so I see nobody."


def session_of(schedule, method: str, people: int, audience: str, prefix: str, group):
    session = FollowUpSession.objects.create(schedule=schedule, method=method, facilitator="Sam")
    for i in range(people):
        Participant.objects.create(
            schedule=schedule,
            code=f"{prefix}-{i:03}",
            audience=audience,
            user_group=group,
            session=session,
            consent_given_on=date(2026, 11, 2),
            consent_method=Participant.ConsentMethod.WRITTEN,
        )
    return session


def code(source, theme, coder, text: str) -> Coding:
    start = source.text.index(text)
    return Coding.objects.create(
        source=source, theme=theme, coder=coder, start=start, end=start + len(text)
    )


@pytest.fixture
def joint():
    """A compared wave (k=5) with O-0 and O-1 chosen: a focus group of 5 service users whose
    transcript (naming an evaluator, masked) is coded to a sub-theme of O-0 and to a theme of no
    outcome, and interview notes of 2 carers coded to O-1 (below k: hidden, not quotable)."""
    built = build_wave(outcomes=3, staff=12, users=10, k=5)
    p = built.wave.partnership
    call_command(
        "run_comparison", p.slug, built.wave.slug, "--resamples", "100", stdout=io.StringIO()
    )
    schedule, _ = FollowUpSchedule.objects.get_or_create(wave=built.wave)
    evaluator = member(p, Role.EVALUATOR, user__first_name="Priya", user__last_name="Ramanathan")
    outcomes = {o.code: o for o in OutcomeStatement.objects.filter(partnership=p)}
    for code_ in ("O-0", "O-1"):
        ChosenOutcome.objects.create(
            schedule=schedule, outcome=outcomes[code_], reason="most_endorsed"
        )
    home = Theme.objects.create(schedule=schedule, name="Thing 0", outcome=outcomes["O-0"])
    door = Theme.objects.create(schedule=schedule, name="Own front door", parent=home)
    other = Theme.objects.create(schedule=schedule, name="Thing 1", outcome=outcomes["O-1"])
    transport = Theme.objects.create(schedule=schedule, name="Transport")
    group = session_of(schedule, "focus_group", 5, "service_user", "U", built.user_group)
    source = add_source(
        schedule,
        session=group,
        audience="service_user",
        kind="transcript",
        text=f"{SAID}\nThe buses are gone.",
        actor=evaluator,
    )
    confirm_masking(source, actor=evaluator)
    assert source.text.startswith(QUOTED)
    passage = code(source, door, evaluator, QUOTED)
    code(source, transport, evaluator, "The buses are gone.")
    notes = add_source(
        schedule,
        session=session_of(schedule, "interview", 2, "carer", "C", built.user_group),
        audience="carer",
        kind="notes",
        text=CARER_SAID,
        actor=evaluator,
    )
    confirm_masking(notes, actor=evaluator)
    carer_passage = code(notes, other, evaluator, CARER_SAID)
    pick_quote(passage, actor=evaluator)
    built.passage, built.carer_passage, built.evaluator = passage, carer_passage, evaluator
    return built


def section_of(report):
    return next(s for s in report.sections if s.key == "joint-display")


def table_of(section, key):
    return next(b for b in section.blocks if b.key == key)


def test_the_figures_are_the_comparison_runs_own(joint):
    report = build_summative(joint.wave)
    table = table_of(section_of(report), "joint_display")
    col = {c: i for i, c in enumerate(table.columns)}
    checked = 0
    for row in table.rows:
        measure = row[col["Measure"]].lower()
        stored = ComparisonRow.objects.get(
            run__wave=joint.wave, breakdown="all", outcome=row[0], measure=measure
        )
        assert not stored.suppressed
        assert row[col["Staff mean"]] == round(stored.mean_staff, 2)
        assert row[col["Users and carers mean"]] == round(stored.mean_users, 2)
        assert row[col["Difference"]] == round(stored.mean_diff, 2)
        assert row[col["95% CI low"]] == round(stored.ci_low, 2)
        assert row[col["95% CI high"]] == round(stored.ci_high, 2)
        assert row[col["Flag"]] == (stored.flag_label if stored.flag else "")
        checked += 1
    assert checked == 4  # two chosen outcomes, two measures each
    assert {r[0] for r in table.rows} == {"O-0", "O-1"}


def test_people_below_k_are_hidden_with_the_themes_pages_words(joint):
    """The 2 carers who raised Thing 1 are hidden (fewer than k=5) with the very words of the
    Themes page; the service users who did not raise it show 0; the total is hidden too."""
    section = section_of(build_summative(joint.wave))
    themes = table_of(section, "joint_themes")
    col = {c: i for i, c in enumerate(themes.columns)}
    thing1 = next(r for r in themes.rows if r[1] == "Thing 1")
    carers = thing1[col["Raised it: Carers"]]
    assert isinstance(carers, Hidden)
    schedule = FollowUpSchedule.objects.get(wave=joint.wave)
    page = theme_table(schedule, 5)
    line = next(x for x in page.lines if x.theme.name == "Thing 1")
    on_page = {c.label: cell for c, cell in zip(page.columns, line.cells, strict=True)}
    assert str(carers) == on_page["Carers: all"].hidden_text
    assert thing1[col["Raised it: Service users"]] == 0
    assert isinstance(thing1[col["Raised it: all"]], Hidden)
    joint_rows = [r for r in table_of(section, "joint_display").rows if r[0] == "O-1"]
    assert all(isinstance(r[-1], Hidden) for r in joint_rows)
    words = table_of(section, "joint_words")
    assert words.rows[0][:3] == ["O-0", "I can do thing 0", "Thing 0; Thing 0 › Own front door"]
    assert (
        words.rows[0][3]
        == next(p for p in section.paragraphs if p.startswith("O-0")).split(": ", 1)[1]
    )
    blind = table_of(section, "joint_blind_spots")
    assert [r[0] for r in blind.rows] == ["Transport"]


def test_a_quote_from_a_group_below_k_is_refused(joint):
    with pytest.raises(QuoteError, match="fewer than 5 people of its group"):
        pick_quote(joint.carer_passage, actor=joint.evaluator)


def test_one_sentence_per_outcome_and_the_quote(joint):
    section = section_of(build_summative(joint.wave))
    text = "\n".join(section.paragraphs)
    assert "O-0 “I can do thing 0”:" in text
    assert "O-1 “I can do thing 1”:" in text
    assert "how many is hidden" in text  # O-1: carers below k
    assert [q.text for q in section.quotes] == [QUOTED]
    assert section.quotes[0].attribution.startswith("Service users, focus group")


def test_without_coding_one_sentence_and_no_table():
    built = build_wave(outcomes=3, staff=12, users=10, k=5)
    p = built.wave.partnership
    call_command(
        "run_comparison", p.slug, built.wave.slug, "--resamples", "100", stdout=io.StringIO()
    )
    section = section_of(build_summative(built.wave))
    assert section.blocks == []
    assert section.paragraphs == [
        "No passage of the follow-up's notes, transcripts or free-text answers has been coded "
        "yet, so there are no words to set beside the numbers."
    ]


def test_a_manager_sees_it_on_the_report_page(client, joint):
    client.force_login(member(joint.wave.partnership, Role.MANAGER))
    page = html.unescape(
        client.get(
            f"/p/{joint.wave.partnership.slug}/waves/{joint.wave.slug}/reports/summative/"
        ).content.decode()
    )
    assert "Numbers and words: the joint display" in page
    assert (
        re.search(r"<figure[^>]*data-quote><blockquote[^>]*>" + re.escape(QUOTED), page) is not None
    )
    assert "Possible blind spots" in page
    assert "Ramanathan" not in page


def render(report, identifier: str) -> bytes:
    out = io.BytesIO()
    get_exporter(identifier).render(report, out)
    return out.getvalue()


def test_every_format_has_the_quote_and_no_name(joint, tmp_path):
    report = build_summative(joint.wave)
    sentence = next(p for p in section_of(report).paragraphs if p.startswith("O-0"))
    path = tmp_path / "report.pdf"
    path.write_bytes(render(report, "pdf"))
    text = " ".join(pdf_text(path).split())
    assert QUOTED in text
    assert " ".join(sentence.split()) in text
    page = html.unescape(render(report, "html").decode())
    assert f"<blockquote>{QUOTED}</blockquote>" in page
    rows = list(csv.reader(io.StringIO(render(report, "csv").decode())))
    assert any(r[0] == "joint_quotes" and r[4] == QUOTED for r in rows)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert "Joint display" in book.sheetnames
    sheet = book["Joint display"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert any(isinstance(v, float) for v in values)  # numbers as numbers
    hidden = [c for row in sheet.iter_rows() for c in row if c.comment is not None]
    assert hidden and all(c.value in (None, "") for c in hidden)
    quotes = [c.value for row in book["Joint display – quotes"].iter_rows() for c in row]
    assert QUOTED in quotes
    everything = [text, page, str(rows), str(values), str(quotes)]
    for found in everything:
        assert "Priya" not in found and "Ramanathan" not in found


def test_a_quote_whose_group_is_below_k_is_never_shown(joint):
    """Picked before the group fell below k (or written straight to the database): the report
    checks again and leaves it out."""
    Quote.objects.create(
        theme=joint.carer_passage.theme,
        source=joint.carer_passage.source,
        start=joint.carer_passage.start,
        end=joint.carer_passage.end,
    )
    report = build_summative(joint.wave)
    section = section_of(report)
    assert [q.text for q in section.quotes] == [QUOTED]
    assert all(CARER_SAID not in str(row) for t in report.tables() for row in t.rows)
