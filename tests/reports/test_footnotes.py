"""Issue 15, item 3: every note and explanation of a report is drawn from the same facts as the
figures it is about, so the two cannot disagree; the formative report opens with the completion
figure of the response-rate tables."""

from __future__ import annotations

import datetime

import pytest

from reports.content import build_formative, build_summative
from reports.content.formative import who_answered
from reports.documents import Chart, Hidden, Report, Table
from surveys.models import Invitation, OpenLink
from surveys.selectors.response_rates import response_rates
from tests.factories import OrganisationFactory, ResponseFactory, StaffGroupFactory, WaveFactory
from tests.reports.builders import build_wave
from tests.reports.test_report_content import compare, seeded

pytestmark = pytest.mark.django_db


def tables(report: Report) -> dict[str, Table]:
    return {t.key: t for t in report.tables()}


def charts(report: Report) -> dict[str, Chart]:
    return {c.key: c for c in report.charts()}


def section_text(report: Report, key: str) -> str:
    return " ".join(next(s for s in report.sections if s.key == key).paragraphs)


def test_notes_say_nothing_is_hidden_or_empty_when_every_figure_is_shown():
    built = build_wave(outcomes=3, staff=12, users=10, k=5)
    compare(built.wave)
    report = build_formative(built.wave)
    found = tables(report)
    importance = found["staff_importance"]
    assert not any(isinstance(c, Hidden) for row in importance.rows for c in row)
    assert importance.note == "", "no note about hidden staff means when none is hidden"
    spread = found["organisation_spread"]
    assert all(row[6] is not None for row in spread.rows)
    assert spread.note == "", "no 'Empty' note beside a table whose rows all have figures"
    for key in ("domains_by_organisation_heatmap", "domains_by_organisation_radar"):
        assert "fewer than" not in charts(report)[key].description
        assert "blank" not in charts(report)[key].description.lower()
        assert "gap" not in charts(report)[key].description.lower()


def test_notes_name_what_is_hidden_when_something_is():
    built = seeded(users=3, carers=0)  # fewer than k users: the staff means are hidden too
    report = build_formative(built.wave)
    importance = tables(report)["staff_importance"]
    hidden_means = [row[0] for row in importance.rows if isinstance(row[3], Hidden)]
    shown_n = [row[0] for row in importance.rows if not isinstance(row[2], Hidden)]
    named = [code for code in hidden_means if code in shown_n]
    assert named, "the fixture hides a staff mean beside shown figures"
    for code in named:
        assert code in importance.note
    heatmap = charts(report)["domains_by_organisation_heatmap"]
    assert "A blank cell is a hidden figure" in heatmap.description


def test_spread_note_names_only_the_aspects_without_a_spread():
    built = build_wave(outcomes=3, staff=12, users=10, k=7)  # each organisation has 6 staff
    compare(built.wave)
    spread = tables(build_formative(built.wave))["organisation_spread"]
    empty = [row[0] for row in spread.rows if row[6] is None]
    assert empty and all(name in spread.note for name in empty)


def test_the_agreement_note_counts_the_points_it_describes():
    built = build_wave(outcomes=4, staff=12, users=10, k=5)
    compare(built.wave)
    report = build_summative(built.wave)
    points = tables(report)["agreement_points"]
    assert points.note.startswith(f"The {len(points.rows)} outcome(s) with both means shown.")
    assert "answers on each side" not in points.note


def test_the_formative_report_opens_with_the_completion_figure_of_its_tables():
    wave = WaveFactory(partnership__minimum_group_size=3, status="closed")
    OpenLink.objects.create(wave=wave, token_hash="y" * 64)
    organisation = OrganisationFactory(partnership=wave.partnership, name="Trust")
    group = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    for n in range(10):
        Invitation.objects.create(
            wave=wave,
            organisation=organisation,
            staff_group=group,
            email=f"p{n}@example.org",
            completed_on=datetime.date(2026, 11, 2) if n < 7 else None,
        )
    ResponseFactory.create_batch(
        11, wave=wave, organisation=organisation, staff_group=group, answered=True
    )
    ResponseFactory.create_batch(5, wave=wave, organisation=organisation, staff_group=group)
    rates = response_rates(wave)
    overall = rates["overall"]
    assert (overall["completed"], overall["open"], overall["responses"]) == (7, 4, 11)
    sentence = who_answered(rates)
    assert sentence == (
        "10 members of staff were invited and 7 completed the survey through their invitation "
        "(70%). 4 responded through the open link: 11 responses in all."
    )


def test_change_and_trend_say_not_asked_rather_than_hidden_and_keep_the_reason():
    from reports.content import context as content
    from tests.reports.test_context_sections import add_run, later_wave

    first = WaveFactory(name="Baseline")
    second, third = later_wave(first, "Second", 100), later_wave(first, "Third", 200)
    add_run(first, {("O-1", "importance"): (4.0, 3.0), ("O-2", "importance"): (3.0, None)})
    add_run(second, {("O-1", "importance"): (4.2, 3.1), ("O-2", "importance"): (3.2, None)})
    add_run(third, {("O-1", "importance"): (4.4, 3.6), ("O-2", "importance"): (3.4, None)})
    hidden = third.comparison_runs.get().rows.get(outcome="O-1", breakdown="all")
    hidden.suppressed, hidden.suppression = True, "secondary"
    hidden.mean_staff = hidden.mean_users = None
    hidden.save()

    change = content.change_section(third, second).blocks[0]
    rows = {(r[0], r[2]): r[3:] for r in change.rows}
    assert rows[("O-2", "Service users and carers")][:3] == ["not asked"] * 3
    o1 = rows[("O-1", "Staff")]
    assert isinstance(o1[1], Hidden) and o1[1].reason == "secondary"

    trend = content.trend_section(third)
    assert "fewer than" not in trend.paragraphs[0]
    assert "hidden, was not asked" in trend.paragraphs[0]
    users_o2 = next(
        r for r in trend.blocks[0].table.rows if r[:2] == ["O-2", "Service users and carers"]
    )
    assert users_o2[2:] == ["not asked"] * 3
