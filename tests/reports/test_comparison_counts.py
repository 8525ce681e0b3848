"""Issue 19, item 1: a wave's answer counts from one GROUP BY give the comparison of its answers."""

import pandas as pd
import pytest

from outcomes.models import FollowUpSchedule
from poet.analysis import (
    ANSWER_COUNT_COLUMNS,
    DOMAIN_SUM_COLUMNS,
    compare_outcome_counts,
    compare_outcomes,
    domain_scores,
    domain_scores_from_sums,
    domain_sums,
    outcome_counts_from,
    staff_consensus,
    staff_consensus_from_counts,
    staff_outcome_summary,
    staff_outcome_summary_from_counts,
    summarise_domains,
)
from poet.analysis.statistics import outcome_counts
from poet.models import Job
from reports import selectors
from reports.models import ComparisonRun
from reports.selectors.frames import (
    fingerprint,
    load_counted_wave,
    load_outcome_answers,
    load_outcome_counts,
    load_outcome_respondents,
    load_process_answers,
    load_process_sums,
)
from reports.services.comparison import comparison_parameters
from surveys.models import Answer, Item, Response
from tests.factories import WaveFactory
from tests.reports.builders import build_wave, participant_for
from tests.reports.test_comparison_runs import run_now

pytestmark = pytest.mark.django_db


def assert_counts_give_the_answers_comparison(wave, **options) -> pd.DataFrame:
    answers = load_outcome_answers(wave)
    counts = load_outcome_counts(wave)
    assert list(counts.columns) == list(ANSWER_COUNT_COLUMNS)
    assert int(counts["count"].sum()) == len(answers)
    pd.testing.assert_frame_equal(
        outcome_counts_from(counts),
        outcome_counts(answers, check_unique=False),
        check_exact=True,
        check_dtype=False,
        check_categorical=False,
    )
    expected = compare_outcomes(answers, **options)
    got = compare_outcome_counts(counts, **options)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    k = options["k"]
    pd.testing.assert_frame_equal(
        staff_outcome_summary_from_counts(counts, k=k),
        staff_outcome_summary(answers, k=k),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        staff_consensus_from_counts(counts, k=k), staff_consensus(answers, k=k), check_exact=True
    )
    return counts


def test_counts_of_a_wave_give_the_same_comparison_as_its_answers():
    built = build_wave(outcomes=3, staff=14, users=8, carers=3, k=3)
    participant_for(built.users[0], withdrawn=True)  # a withdrawn participant never counts
    counts = assert_counts_give_the_answers_comparison(built.wave, k=3, resamples=100, seed=5)
    # One row per key and value, not per person: far fewer rows than answers.
    assert len(counts) < len(load_outcome_answers(built.wave))
    assert counts["value"].isna().any()  # don't know is counted as its own value


def test_unsubmitted_responses_are_not_counted():
    built = build_wave(outcomes=2, staff=10, users=5, k=3)
    Response.objects.filter(pk__in=[r.pk for r in built.staff[:2]]).update(submitted_on=None)
    counts = assert_counts_give_the_answers_comparison(built.wave, k=3, resamples=20)
    submitted = [*built.staff[2:], *built.users]
    counted = Answer.objects.filter(item__outcome__isnull=False, response__in=submitted).count()
    assert int(counts["count"].sum()) == counted


def test_a_wave_without_answers_has_no_counts():
    wave = WaveFactory()
    assert len(load_outcome_counts(wave)) == 0
    assert_counts_give_the_answers_comparison(wave, k=5)


def test_on_postgresql_the_group_by_matches_too(postgres):
    built = build_wave(outcomes=2, staff=12, users=6, carers=2, k=3)
    assert_counts_give_the_answers_comparison(built.wave, k=3, resamples=50, seed=3)


def test_the_comparison_job_reads_counts_not_every_outcome_answer(monkeypatch):
    built = build_wave(outcomes=3, staff=14, users=8, carers=3, k=3)
    outcome_answers = Answer.objects.filter(item__outcome__isnull=False).count()

    def refuse(wave):
        raise AssertionError("the comparison copied every outcome answer out of the database")

    monkeypatch.setattr(selectors.frames, "load_outcome_answers", refuse)
    job = run_now(built.wave, resamples=50, seed=2)
    assert job.status == Job.Status.SUCCEEDED, job.error
    run = ComparisonRun.objects.get(pk=job.result["run"])
    assert (run.n_staff, run.n_users, run.n_outcome_answers) == (14, 11, outcome_answers)


def test_the_fingerprint_of_counts_changes_with_who_answered_not_with_row_order():
    built = build_wave(outcomes=2, staff=6, users=6)
    counted = load_counted_wave(built.wave)
    parameters = comparison_parameters(built.wave)
    digest = fingerprint(counted, parameters)
    counted.outcome_counts = counted.outcome_counts.iloc[::-1].reset_index(drop=True)
    counted.respondents = counted.respondents.iloc[::-1].reset_index(drop=True)
    assert fingerprint(counted, parameters) == digest

    someone_else = load_counted_wave(built.wave)  # the same counts from another person
    someone_else.respondents.loc[0, "respondent"] = 10**9
    assert fingerprint(someone_else, parameters) != digest
    moved = load_counted_wave(built.wave)  # the same counts, one person in another cell
    moved.respondents.loc[0, "organisation"] = -1.0
    assert fingerprint(moved, parameters) != digest
    more = load_counted_wave(built.wave)
    more.outcome_counts.loc[0, "count"] += 1
    assert fingerprint(more, parameters) != digest


def test_a_questionnaire_asking_one_outcome_measure_twice_is_refused_clearly():
    built = build_wave(outcomes=2, staff=6, users=6, k=3)
    asked = built.items["staff:O-1.importance"]
    again = Item.objects.create(
        section=asked.section,
        code="O-1.again",
        kind=Item.Kind.LIKERT,
        text="And again?",
        outcome=asked.outcome,
        measure=asked.measure,
    )
    Answer.objects.bulk_create(Answer(response=r, item=again, number=3.0) for r in built.staff)
    job = run_now(built.wave, resamples=20)
    assert job.status == Job.Status.FAILED
    assert "asks about the same outcome measure twice (O-1 importance)" in job.error


def test_while_the_follow_up_collects_the_job_counts_staff_only():
    built = build_wave(outcomes=2, staff=10, users=6, carers=2, k=3)
    FollowUpSchedule.objects.create(wave=built.wave, status=FollowUpSchedule.Status.OPEN)
    staff_answers = Answer.objects.filter(
        item__outcome__isnull=False, response__in=built.staff
    ).count()
    job = run_now(built.wave, resamples=20)
    assert job.status == Job.Status.SUCCEEDED, job.error
    run = ComparisonRun.objects.get(pk=job.result["run"])
    assert run.users_left_out
    assert (run.n_staff, run.n_users, run.n_outcome_answers) == (10, 0, staff_answers)
    assert set(run.rows.values_list("n_users", flat=True)) == {0}
    assert {r["n"] for r in run.staff_summary} == {
        Answer.objects.filter(item=built.items[f"staff:O-{i}.{m}"], dont_know=False).count()
        for i in range(2)
        for m in ("importance", "achievement")
    }


def _sorted_sums(sums: pd.DataFrame) -> pd.DataFrame:
    keys = list(DOMAIN_SUM_COLUMNS[:-1])
    frame = sums.astype({k: object for k in ("organisation", "staff_group", "domain")})
    return frame.sort_values(keys).reset_index(drop=True)[list(DOMAIN_SUM_COLUMNS)]


def assert_sums_give_the_answers_domain_scores(wave) -> None:
    answers, items_per_domain = load_process_answers(wave)
    sums, counted_items = load_process_sums(wave)
    assert counted_items == items_per_domain
    # The database's two GROUP BYs are the pure function's, row for row.
    pd.testing.assert_frame_equal(
        _sorted_sums(sums), _sorted_sums(domain_sums(answers)), check_dtype=False
    )
    assert int((sums["n_rows"] * sums["count"]).sum()) == len(answers)
    direct = domain_scores(answers, items_per_domain=items_per_domain)
    from_sums = domain_scores_from_sums(sums, items_per_domain=items_per_domain)
    assert int(from_sums["count"].sum()) == len(direct)
    pd.testing.assert_frame_equal(
        summarise_domains(from_sums, k=3), summarise_domains(direct, k=3), check_exact=True
    )


def test_process_sums_of_a_wave_give_the_domain_scores_of_its_answers():
    built = build_wave(outcomes=2, staff=14, users=4, k=3)
    Response.objects.filter(pk=built.staff[0].pk).update(submitted_on=None)
    process = Answer.objects.filter(response__in=built.staff[1:], item__domain__gt="")
    process.filter(pk__in=list(process.values_list("pk", flat=True)[:9])).update(
        dont_know=True, number=None
    )
    assert_sums_give_the_answers_domain_scores(built.wave)


def test_on_postgresql_the_process_sums_match_too(postgres):
    built = build_wave(outcomes=2, staff=12, users=4, k=3)
    assert_sums_give_the_answers_domain_scores(built.wave)


def test_the_comparison_job_sums_process_answers_in_the_database(monkeypatch):
    built = build_wave(outcomes=2, staff=12, users=6, k=3)
    process_answers = Answer.objects.filter(item__domain__gt="").count()

    def refuse(wave):
        raise AssertionError("the comparison copied every process answer out of the database")

    monkeypatch.setattr(selectors.frames, "load_process_answers", refuse)
    job = run_now(built.wave, resamples=20, seed=2)
    assert job.status == Job.Status.SUCCEEDED, job.error
    run = ComparisonRun.objects.get(pk=job.result["run"])
    assert run.n_process_answers == process_answers > 0
    assert any(row["n"] for row in run.domain_summary if not row["suppressed"])


def assert_respondents_are_those_with_an_outcome_answer(wave) -> None:
    answers = load_outcome_answers(wave)
    respondents = load_outcome_respondents(wave)
    assert list(respondents["respondent"]) == sorted(set(answers["respondent"]))
    assert respondents["respondent"].is_unique


def test_respondents_are_the_people_with_an_outcome_answer():
    built = build_wave(outcomes=2, staff=8, users=5, k=3)
    participant_for(built.users[0], withdrawn=True)
    # Only "don't know" to outcomes still makes a respondent; only process answers does not.
    outcome = Answer.objects.filter(item__outcome__isnull=False)
    outcome.filter(response=built.staff[0]).update(dont_know=True, number=None)
    outcome.filter(response=built.staff[1]).delete()
    assert_respondents_are_those_with_an_outcome_answer(built.wave)
    kept = set(load_outcome_respondents(built.wave)["respondent"])
    assert built.staff[0].pk in kept and built.staff[1].pk not in kept
    assert built.users[0].pk not in kept


def test_on_postgresql_the_respondents_match_too(postgres):
    built = build_wave(outcomes=2, staff=8, users=5, k=3)
    Answer.objects.filter(item__outcome__isnull=False, response=built.staff[1]).delete()
    assert_respondents_are_those_with_an_outcome_answer(built.wave)


def test_on_postgresql_the_counting_queries_have_their_own_work_mem(postgres, settings):
    """The raised work_mem lasts for the counting transaction only, and the comparison job
    reads its counts inside it."""
    from django.db import connection

    from reports.selectors import frames

    settings.POET_COUNTING_WORK_MEM = "48MB"
    built = build_wave(outcomes=2, staff=12, users=6, k=3)

    def work_mem() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            return cursor.fetchone()[0]

    before = work_mem()
    with frames.counting_session():
        assert work_mem() == "48MB"
    assert work_mem() == before != "48MB"
    seen = []
    counts = frames.load_outcome_counts

    def watched(wave):
        seen.append(work_mem())
        return counts(wave)

    import unittest.mock

    with unittest.mock.patch.object(frames, "load_outcome_counts", watched):
        loaded = frames.load_counted_wave(built.wave)
    assert seen == ["48MB"] and loaded.n_outcome_answers > 0
    assert work_mem() == before
