"""Formative and summative report content, built from a stored comparison run."""

from __future__ import annotations

import json

import pytest

from outcomes.models import ChosenOutcome, FollowUpSchedule
from poet.models import Audience, Organisation, OutcomeStatement
from poet.services import create_job
from poet.tasks import run_job
from reports.content import build_formative, build_summative
from reports.content.common import outcome_texts
from reports.documents import Hidden, Report, Table
from reports.models import ComparisonRun
from reports.services.comparison import JOB_KIND, comparison_parameters
from surveys.models import Answer, Invitation, Item, Response, Section
from tests.factories import WaveFactory
from tests.reports.builders import DAY, build_wave

pytestmark = pytest.mark.django_db

TINY = "Tiny org"
SECRET = "Only two of us work here, the rota is awful"


def compare(wave) -> ComparisonRun:
    job = create_job(
        JOB_KIND,
        partnership=wave.partnership,
        wave=wave,
        **comparison_parameters(wave, resamples=50),
    )
    run_job(job.pk)
    return ComparisonRun.objects.filter(wave=wave).latest("used_at")


def seeded(wave=None, *, staff: int = 20, users: int = 12, carers: int = 6, run: bool = True):
    """Two organisations of 10 staff, a tiny third one of 2 (always hidden), users and carers,
    staff comments, a chosen outcome, and a finished comparison run."""
    built = build_wave(outcomes=4, staff=staff, users=users, carers=carers, k=5, wave=wave)
    wave = built.wave
    staff_q = built.staff[0].questionnaire
    tiny = Organisation.objects.create(partnership=wave.partnership, name=TINY)
    comments = Section.objects.create(questionnaire=staff_q, title="Comments")
    comment = Item.objects.create(
        section=comments, code="COMMENT", kind=Item.Kind.TEXT, text="Anything else?"
    )
    staff_items = [i for key, i in built.items.items() if key.startswith("staff:")]
    answers = []
    for _ in range(2):
        response = Response.objects.create(
            wave=wave,
            questionnaire=staff_q,
            audience=Audience.STAFF,
            organisation=tiny,
            staff_group=built.staff_groups[0],
            submitted_on=DAY,
        )
        answers += [Answer(response=response, item=i, number=1.0) for i in staff_items]
        answers.append(Answer(response=response, item=comment, text=SECRET))
    for n, response in enumerate(built.staff[:3]):
        answers.append(
            Answer(response=response, item=comment, text=f"<b>Good</b> teamwork {n} & more")
        )
    Answer.objects.bulk_create(answers)
    for organisation in (*built.organisations, tiny):
        for _ in range(3):
            Invitation.objects.create(
                wave=wave,
                organisation=organisation,
                staff_group=built.staff_groups[0],
                email=f"{organisation.pk}-{_}@example.org",
                completed_on=DAY if organisation != tiny else None,
            )
    schedule = FollowUpSchedule.objects.create(wave=wave)
    ChosenOutcome.objects.create(
        schedule=schedule,
        outcome=OutcomeStatement.objects.get(partnership=wave.partnership, code="O-1"),
        reason=ChosenOutcome.Reason.CONTESTED,
        note="Staff <split> on this",
    )
    if run:
        compare(wave)
    return built


def walk(value):
    """Every scalar in a JSON-like structure."""
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from walk(v)
    else:
        yield value


def tables(report: Report) -> dict[str, Table]:
    return {t.key: t for t in report.tables()}


def assert_tiny_never_a_number(report: Report) -> None:
    """The tiny organisation appears in no table as a number, in no trace, hover or label."""
    for table in report.tables():
        for row in table.rows:
            if TINY in row:
                # rates tables show the number invited (not people who answered); the rest hide
                figures = row[2:4] if table.key.startswith("rates_") else row[1:]
                numbers = [c for c in figures if isinstance(c, int | float)]
                assert not numbers, (table.key, row)
        if TINY in table.columns:
            position = table.columns.index(TINY)
            assert all(isinstance(row[position], Hidden) for row in table.rows), table.key
    for chart in report.charts():
        for trace in chart.figure["data"]:
            if str(trace.get("name", "")).startswith(TINY):  # the radar's line: says hidden
                assert trace["name"] == f"{TINY} (hidden)", chart.key
                assert all(v is None for v in trace["x"]), chart.key
                assert all(
                    str(h).split(": ", 1)[1].startswith("hidden") for h in trace["hovertext"]
                )
            if trace.get("type") == "heatmap" and TINY in trace["x"]:
                j = list(trace["x"]).index(TINY)
                assert all(line[j] is None for line in trace["z"])
                assert all(line[j] == "hidden" for line in trace["hovertext"])
            for scalar in walk(trace):
                if isinstance(scalar, str) and TINY in scalar:
                    # a label, never with a figure
                    assert not any(ch.isdigit() for ch in scalar), scalar


def test_formative_holds_the_stored_figures_and_hides_the_tiny_organisation():
    built = seeded()
    run = ComparisonRun.objects.get(wave=built.wave)
    report = build_formative(built.wave)
    assert report.kind == "formative" and report.run_id == run.pk and report.k == 5
    assert [s.key for s in report.sections] == [
        "key-findings",
        "response-rates",
        "domains",
        "seen-differently",
        "areas",
        "assumptions",
        "comments",
        "disclosure",
        "glossary",
    ]
    t = tables(report)
    overall = {row[0]: row for row in t["domains_overall"].rows}
    for stored in run.domain_summary:
        if stored["breakdown"] != "all":
            continue
        row = overall[stored["domain"].capitalize()]
        assert row[1] == stored["n"] and row[2] == round(stored["mean"], 2)
    by_org = t["domains_by_organisation"]
    assert TINY in by_org.columns
    stored = {
        (r["domain"], r["group"]): r for r in run.domain_summary if r["breakdown"] == "organisation"
    }
    for row in by_org.rows:
        domain = "trust" if row[0] == "Trust" else "vision"
        for name, value in zip(by_org.columns[1:], row[1:], strict=True):
            s = stored[(domain, name)]
            assert isinstance(value, Hidden) if s["suppressed"] else value == round(s["mean"], 2)
    rates = {row[0]: row for row in t["rates_by_organisation"].rows}
    assert isinstance(rates[TINY][2], Hidden)  # 0 completed invitations of 3 is below k
    picks = t["top_picks"]
    stored_picks = [r for r in run.top_picks if r["audience"] == "staff"]
    assert len(picks.rows) == len(stored_picks)
    assert_tiny_never_a_number(report)
    json.dumps([c.figure for c in report.charts()])  # plain JSON data
    for chart in report.charts():
        assert chart.description and chart.table.rows


def test_free_text_is_withheld_for_groups_below_k_and_kept_as_text():
    built = seeded()
    report = build_formative(built.wave)
    comments = tables(report)["staff_comments"]
    texts = [row[1] for row in comments.rows]
    assert SECRET not in texts
    assert "<b>Good</b> teamwork 0 & more" in texts  # escaping is the renderer's job
    assert all(row[0] != TINY for row in comments.rows)
    section = next(s for s in report.sections if s.key == "comments")
    assert any("withheld" in p for p in section.paragraphs)


def test_summative_holds_the_comparison_rows_flags_and_methods():
    built = seeded()
    run = ComparisonRun.objects.get(wave=built.wave)
    report = build_summative(built.wave)
    keys = [s.key for s in report.sections]
    assert keys == [
        "key-findings",
        "chosen",
        "importance",
        "achievement",
        "flags",
        "joint-display",
        "agreement",
        "users-and-carers",
        "methods",
        "disclosure",
        "glossary",
    ]
    t = tables(report)
    rows = {(r.outcome, r.measure): r for r in run.rows.filter(breakdown="all")}
    for measure in ("importance", "achievement"):
        for line in t[f"{measure}_comparison"].rows:
            stored = rows[(line[0], measure)]
            if stored.suppressed:
                assert all(isinstance(c, Hidden) for c in line[2:])
            else:
                assert line[2] == stored.n_staff and line[4] == stored.n_users
                assert line[6] == round(stored.mean_diff, 2)
                assert line[7] == round(stored.ci_low, 2)
    chosen = t["chosen_outcomes"].rows
    assert chosen == [["O-1", "I can do thing 1", "Contested among staff", "Staff <split> on this"]]
    audience = t["audience_comparison"]
    assert audience.columns[:3] == ["Outcome", "Measure", "Staff mean"]
    assert audience.columns[3:] == [
        f"{side} {figure}"
        for side in ("Service users", "Carers")
        for figure in ("(n)", "mean", "difference", "q")
    ]
    # service users and carers side by side: one line per outcome measure, each side's figures
    # in its own four columns, all staff's mean once
    lines = {(line[0], line[1]): line for line in audience.rows}
    stored_sides = run.rows.filter(breakdown="audience")
    assert len(audience.rows) == len(lines) == len({(r.outcome, r.measure) for r in stored_sides})
    for r in stored_sides:
        line = lines[(r.outcome, "Importance" if r.measure == "importance" else "Achievement")]
        side = line[3:7] if r.group == "service_user" else line[7:11]
        if r.suppressed:
            assert all(isinstance(c, Hidden) for c in side)
        else:
            q = None if r.q_value is None else round(r.q_value, 3)
            assert side == [r.n_users, round(r.mean_users, 2), round(r.mean_diff, 2), q]
            assert line[2] == round(r.mean_staff, 2)
    for (outcome, measure), line in lines.items():
        a_side_shown = any(c is not None and not isinstance(c, Hidden) for c in line[3:])
        assert isinstance(line[2], Hidden) != a_side_shown, (outcome, measure)
    assert any(isinstance(c, Hidden) for line in audience.rows for c in line[3:])
    methods = next(s for s in report.sections if s.key == "methods")
    text = " ".join(methods.paragraphs)
    for words in (
        "Mann–Whitney U",
        "Benjamini–Hochberg",
        "Cliff's delta",
        "50 resamples",
        "seed 0",
        "Figures about fewer than 5 people are hidden",
        "associations, not causes",
    ):
        assert words in text
    dumbbell = next(c for c in report.charts() if c.key == "importance_dumbbell")
    shown = [r for r in rows.values() if r.measure == "importance" and not r.suppressed]
    staff_trace = dumbbell.figure["data"][1]
    statements = outcome_texts(built.wave, [r.outcome for r in shown])
    # outcomes are named by their statement (wrapped), the table beside gives the codes
    assert [y.replace("<br>", " ") for y in staff_trace["y"]] == [
        statements[r.outcome] for r in shown
    ]
    assert list(staff_trace["x"]) == [round(r.mean_staff, 2) for r in shown]
    if run.priority_agreement.get("spearman_rho") is not None:
        scatter = next(c for c in report.charts() if c.key == "agreement_scatter")
        assert f"{run.priority_agreement['spearman_rho']:.2f}" in scatter.title


def test_flags_are_said_in_plain_words():
    built = seeded()
    run = ComparisonRun.objects.get(wave=built.wave)
    run.rows.filter(breakdown="all", measure="importance", outcome="O-2").update(
        flag="assumed_not_valued", q_value=0.01, suppressed=False
    )
    run.rows.filter(breakdown="all", measure="achievement", outcome="O-3").update(
        flag="under_estimated", q_value=0.02, suppressed=False
    )
    flags = next(s for s in build_summative(built.wave).sections if s.key == "flags")
    assert (
        "Staff rated “I can do thing 2” as more important than service users and carers did "
        "(assumed, not valued)." in flags.paragraphs
    )
    assert any(
        p.startswith("Service users and carers rated the achievement of “I can do thing 3”")
        for p in flags.paragraphs
    )


def test_outcomes_asked_of_one_side_only_are_shown_for_that_side():
    """O-TRAVEL was proposed after the staff survey and put only to service users and carers;
    O-3 was rated by staff but not taken to the follow-up."""
    built = build_wave(outcomes=4, staff=12, users=8, k=5)
    wave = built.wave
    follow_up = built.users[0].questionnaire
    Answer.objects.filter(response__in=built.users, item__code__startswith="O-3.").delete()
    Item.objects.filter(section__questionnaire=follow_up, code__startswith="O-3.").delete()
    travel = OutcomeStatement.objects.create(
        partnership=wave.partnership, code="O-TRAVEL", text="I can get to my appointments"
    )
    item = Item.objects.create(
        section=follow_up.sections.first(),
        code="O-TRAVEL.importance",
        kind=Item.Kind.LIKERT,
        text="How important?",
        outcome=travel,
        measure="importance",
    )
    Answer.objects.bulk_create(
        Answer(response=r, item=item, number=5.0 if n % 2 else 4.0)
        for n, r in enumerate(built.users)
    )
    compare(wave)
    report = build_summative(wave)
    importance = tables(report)["importance_comparison"].rows
    by_code = {line[0]: line for line in importance}
    assert "O-3" not in by_code  # not a comparison with nobody
    travel_row = by_code["O-TRAVEL"]
    assert travel_row[2] == "not asked" and travel_row[4] == 8
    assert travel_row[5] == 4.5 and travel_row[6] is None  # no difference to draw
    section = next(s for s in report.sections if s.key == "importance")
    text = " ".join(section.paragraphs)
    assert "1 outcome(s) were put to service users and carers but not to staff" in text
    assert "1 outcome(s) staff rated were not taken to the follow-up" in text
    assert "fewer than" not in text
    staff_table = tables(build_formative(wave))["staff_importance"].rows
    assert "O-TRAVEL" not in {line[0] for line in staff_table}
    assert "O-3" in {line[0] for line in staff_table}


def test_a_suppressed_comparison_row_is_hidden_everywhere():
    built = seeded(users=3, carers=0)  # fewer than k users: every comparison row suppressed
    report = build_summative(built.wave)
    for line in tables(report)["importance_comparison"].rows:
        assert all(isinstance(c, Hidden) for c in line[2:])
    assert not [c for c in report.charts() if c.key.endswith("_dumbbell")]
    for chart in report.charts():
        for scalar in walk(chart.figure["data"]):
            assert not (isinstance(scalar, str) and scalar.startswith("O-")), chart.key


def test_change_since_an_earlier_wave_sets_stored_means_side_by_side_with_a_ci():
    earlier = seeded()
    later = seeded(WaveFactory(name="12 months"))  # the page keeps both in one partnership
    report = build_summative(later.wave, compare_with=earlier.wave)
    assert report.compared_with == earlier.wave.name
    change = tables(report)["change_outcomes"]
    before = ComparisonRun.objects.get(wave=earlier.wave).rows.get(
        breakdown="all", measure="importance", outcome="O-0"
    )
    after = ComparisonRun.objects.get(wave=later.wave).rows.get(
        breakdown="all", measure="importance", outcome="O-0"
    )
    line = next(
        r for r in change.rows if r[0] == "O-0" and r[1] == "Importance" and r[2] == "Staff"
    )
    assert line[3:5] == [round(before.mean_staff, 2), round(after.mean_staff, 2)]
    assert line[5] == round(after.mean_staff - before.mean_staff, 2)
    assert line[6] < line[5] < line[7]  # the change's 95% CI lies around it
    formative = build_formative(later.wave, compare_with=earlier.wave)
    assert "change_domains" in tables(formative)


def test_no_run_means_no_sections():
    built = seeded(run=False)
    for build in (build_formative, build_summative):
        report = build(built.wave)
        assert report.run_id is None and report.sections == []


def test_service_users_and_carers_side_by_side_keep_each_sides_hiding_and_gaps():
    """One line per outcome measure: a side hidden hides its own four cells only; a side with no
    answers leaves its cells empty; all staff's mean shows while either side shows it, and is
    hidden with the sides' reason when neither does (each old row showed it beside its side)."""
    from reports.content.common import RunData
    from reports.content.summative import _audiences
    from reports.models import ComparisonRow, ComparisonRun

    def side(outcome, group, *, suppressed=False, n=20, mean=3.5, staff=3.0, q=0.0123):
        return ComparisonRow(
            outcome=outcome,
            measure="importance",
            breakdown="audience",
            group=group,
            n_users=n,
            mean_users=mean,
            mean_staff=staff,
            mean_diff=mean - staff,
            q_value=q,
            suppressed=suppressed,
            suppression="primary" if suppressed else "",
        )

    rows = [
        side("O-1", "service_user", n=30, mean=4.123),
        side("O-1", "carer", suppressed=True, n=3),
        side("O-2", "carer", n=12, mean=2.5, staff=3.456, q=None),
        side("O-3", "service_user", suppressed=True, n=2),
        side("O-3", "carer", suppressed=True, n=4),
        side("O-4", "service_user", n=0),  # nobody answered: not a line
    ]
    section = _audiences(RunData(run=ComparisonRun(k=5), rows=rows), {}, 5)
    (table,) = section.blocks
    lines = {line[0]: line for line in table.rows}
    assert list(lines) == ["O-1", "O-2", "O-3"]
    assert lines["O-1"][2:7] == [3.0, 30, 4.12, 1.12, 0.012]
    assert all(isinstance(c, Hidden) for c in lines["O-1"][7:])
    assert lines["O-2"][2:] == [3.46, None, None, None, None, 12, 2.5, -0.96, None]
    assert all(isinstance(c, Hidden) for c in lines["O-3"][2:])
