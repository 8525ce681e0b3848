"""Report sections of the context tools, change between waves and the trend over three waves."""

import datetime

import pytest
from django.utils import timezone

from poet.models import Organisation, UserGroup
from reports.content import context as content
from reports.documents import Chart, Hidden, Table
from reports.models import ComparisonRow, ComparisonRun
from surveys.services import context as context_services
from tests.factories import WaveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    w = WaveFactory(name="Baseline")
    for name in ("Council", "Hospital", "<i>Charity</i>"):
        Organisation.objects.create(partnership=w.partnership, name=name)
    UserGroup.objects.create(partnership=w.partnership, name="Older people")
    return w


def org(wave, name):
    return Organisation.objects.get(partnership=wave.partnership, name=name)


def lead(wave, organisation, name="Lead"):
    return context_services.create_lead(wave, name=name, organisation=org(wave, organisation))[0]


def test_no_leads_no_sections(wave):
    assert content.context_sections(wave) == []


def test_sections_without_answers_say_so(wave):
    lead(wave, "Council")
    sections = content.context_sections(wave)
    assert [s.key for s in sections] == [
        "context_integration",
        "context_relationships",
        "context_importance",
    ]
    assert all("No partner lead has answered this yet." in s.paragraphs for s in sections)
    assert all(not s.blocks for s in sections)


def test_integration_chart_and_gap(wave):
    older = UserGroup.objects.get(name="Older people")
    context_services.save_integration(lead(wave, "Council"), {older.pk: (1, 3)})
    context_services.save_integration(lead(wave, "Hospital"), {older.pk: (2, 3)})
    [chart] = content.integration_section(wave).blocks
    assert isinstance(chart, Chart)
    assert chart.table.rows == [["Older people", 2, 1.5, 3.0, 1.5, 2, 0, 0]]
    bars = chart.figure["data"]
    assert [b["name"] for b in bars] == ["Now", "Needed"]
    assert list(bars[0]["x"]) == [1.5] and list(bars[1]["x"]) == [3.0]
    assert "+1.5 levels" in chart.description


def test_depth_breadth_two_plots_with_moves(wave):
    council, hospital = org(wave, "Council"), org(wave, "Hospital")
    pair = tuple(sorted([council.pk, hospital.pk]))
    context_services.save_relationships(lead(wave, "Council"), {pair: (1, 2, 4, 3)})
    [chart] = content.relationships_section(wave).blocks
    assert chart.table.rows == [["Council and Hospital", 1, 1.0, 2.0, 4.0, 3.0, 3.0, 1.0]]
    data = chart.figure["data"]
    assert [(d.get("xaxis", "x"), list(d["x"]), list(d["y"])) for d in data] == [
        ("x", [2.0], [1.0]),
        ("x2", [3.0], [4.0]),
    ]
    [arrow] = chart.figure["layout"]["annotations"][2:]  # after the two subplot titles
    assert (arrow["ax"], arrow["ay"], arrow["x"], arrow["y"]) == (2.0, 1.0, 3.0, 4.0)
    assert arrow["xref"] == "x2" and arrow["axref"] == "x2"


def test_importance_grid_quadrants_in_table_and_chart(wave):
    context_services.save_importance(lead(wave, "Council"), 5)
    context_services.save_importance(lead(wave, "Hospital"), 4)
    context_services.save_importance(lead(wave, "<i>Charity</i>"), 2)
    section = content.importance_section(wave)
    ratings, chart = section.blocks
    assert isinstance(ratings, Table)
    assert ratings.rows == [["<i>Charity</i>", 2.0], ["Council", 5.0], ["Hospital", 4.0]]
    grid = {row[0]: row[5] for row in chart.table.rows}
    assert grid == {
        "<i>Charity</i> and Council": "Important to one only",
        "<i>Charity</i> and Hospital": "Important to one only",
        "Council and Hospital": "Important to both",
    }
    assert "1 important to both, 2 to one only, 0 to neither" in chart.description
    points = chart.figure["data"]  # one numbered point per pair, the legend its key
    assert [len(p["x"]) for p in points] == [1, 1, 1]
    assert [p["text"] for p in points] == [["1"], ["2"], ["3"]]
    assert all(p["name"].startswith(f"{n}. ") for n, p in enumerate(points, start=1))


# Waves over time


def add_run(wave, means, *, k=5, suppressed=()):
    """A stored run of `wave`: means[(outcome, measure)] = (staff mean, users mean)."""
    run = ComparisonRun.objects.create(
        wave=wave, k=k, fingerprint=f"f{wave.pk}", used_at=timezone.now()
    )
    for position, ((outcome, measure), (staff, users)) in enumerate(means.items()):
        hidden = (outcome, measure) in suppressed
        ComparisonRow.objects.create(
            run=run,
            position=position,
            outcome=outcome,
            measure=measure,
            breakdown="all",
            group="all",
            n_staff=None if hidden else 20,
            mean_staff=None if hidden else staff,
            sd_staff=None if hidden else 1.0,
            n_users=None if hidden else 10,
            mean_users=None if hidden else users,
            sd_users=None if hidden else 1.0,
            suppressed=hidden,
        )
        ComparisonRow.objects.create(  # another breakdown is never read as the whole wave
            run=run,
            position=100 + position,
            outcome=outcome,
            measure=measure,
            breakdown="organisation",
            group="Council",
            n_staff=5,
            mean_staff=1.0,
            n_users=5,
            mean_users=1.0,
        )
    return run


def later_wave(wave, name, days):
    w = WaveFactory(partnership=wave.partnership, name=name)
    w.created_at = wave.created_at + datetime.timedelta(days=days)
    w.save(update_fields=["created_at"])
    return w


def test_change_section_has_the_differences_of_the_stored_means(wave):
    second = later_wave(wave, "Follow-up year", 365)
    add_run(wave, {("O-1", "importance"): (4.0, 3.0), ("O-1", "achievement"): (2.5, 2.0)})
    add_run(
        second,
        {("O-1", "importance"): (4.5, 3.5), ("O-1", "achievement"): (2.0, 3.25)},
        suppressed={("O-1", "achievement")},
    )
    section = content.change_section(second, wave)
    [table] = section.blocks
    rows = {(r[0], r[1], r[2]): r[3:] for r in table.rows}
    staff = rows[("O-1", "Importance", "Staff")]
    assert staff[:3] == [4.0, 4.5, 0.5]
    half = 1.959964 * (1 / 20 + 1 / 20) ** 0.5
    assert staff[3] == round(0.5 - half, 2) and staff[4] == round(0.5 + half, 2)
    assert rows[("O-1", "Importance", "Service users and carers")][:3] == [3.0, 3.5, 0.5]
    achievement = rows[("O-1", "Achievement", "Staff")]
    assert achievement[0] == 2.5 and all(isinstance(c, Hidden) for c in achievement[1:])
    changes = content.outcome_changes(second, wave)
    assert [c.change for c in changes if not c.hidden] == [0.5, 0.5]


def test_change_needs_both_runs(wave):
    second = later_wave(wave, "Second", 30)
    add_run(second, {("O-1", "importance"): (4.0, 3.0)})
    section = content.change_section(second, wave)
    assert not section.blocks
    assert (
        section.paragraphs[-1]
        == f"No comparison has been run for {wave.name}, so change cannot be shown."
    )


def test_trend_needs_three_waves_with_runs_and_shows_gaps(wave):
    second = later_wave(wave, "Second", 100)
    third = later_wave(wave, "Third", 200)
    later_wave(wave, "Fourth, not yet", 300)  # later waves are not part of the third's trend
    add_run(wave, {("O-1", "importance"): (4.0, 3.0)})
    add_run(second, {("O-1", "importance"): (4.2, 3.1)}, suppressed={("O-1", "importance")})
    assert content.trend_section(second) is None
    assert content.trend_section(third) is None  # no run yet
    add_run(third, {("O-1", "importance"): (4.4, 3.6)})
    section = content.trend_section(third)
    [chart] = section.blocks
    assert chart.table.columns == ["Outcome", "Who", "Baseline", "Second", "Third"]
    staff, users = chart.table.rows
    assert staff[:3] == ["O-1", "Staff", 4.0] and isinstance(staff[3], Hidden)
    assert staff[4] == 4.4 and users[2::2] == [3.0, 3.6]
    lines = chart.figure["data"]
    assert list(lines[0]["y"]) == [4.0, None, 4.4]
    assert lines[0]["connectgaps"] is False
    assert lines[0]["hovertext"][1] == "hidden"


def test_every_figure_is_plain_json(wave):
    import json

    older = UserGroup.objects.get(name="Older people")
    council, hospital = org(wave, "Council"), org(wave, "Hospital")
    a = lead(wave, "Council")
    context_services.save_integration(a, {older.pk: (1, 2)})
    context_services.save_relationships(a, {tuple(sorted([council.pk, hospital.pk])): (1, 1, 2, 2)})
    context_services.save_importance(a, 4)
    context_services.save_importance(lead(wave, "Hospital"), 1)
    charts = [b for s in content.context_sections(wave) for b in s.blocks if isinstance(b, Chart)]
    assert len(charts) == 3
    for chart in charts:
        json.dumps(chart.figure)
