"""Comparison runs: loading a wave's answers, computing, storing, reusing, and failing clearly."""

import math

import numpy as np
import pandas as pd
import pytest

from poet.analysis import (
    COMPARISON_COLUMNS,
    compare_outcomes,
    priority_agreement,
    staff_consensus,
    top_pick_counts,
)
from poet.models import Job
from poet.services import create_job
from poet.tasks import run_job
from reports.models import ComparisonRow, ComparisonRun
from reports.selectors.frames import fingerprint, load_wave
from reports.selectors.runs import latest_run
from reports.services.comparison import JOB_KIND, comparison_parameters, start_comparison
from surveys.models import Answer, Response
from tests.reports.builders import DAY, build_wave, participant_for

pytestmark = pytest.mark.django_db


def run_now(wave, **parameters) -> Job:
    """A comparison job run in this process through the task, as the command does."""
    job = create_job(
        JOB_KIND,
        partnership=wave.partnership,
        wave=wave,
        **comparison_parameters(wave, **parameters),
    )
    run_job(job.pk)
    job.refresh_from_db()
    return job


def same(stored, computed) -> bool:
    if (
        computed is None
        or computed is pd.NA
        or (isinstance(computed, float) and math.isnan(computed))
    ):
        return stored is None
    if isinstance(computed, float | np.floating):
        return stored is not None and math.isclose(stored, float(computed), rel_tol=1e-12)
    if isinstance(computed, bool | np.bool_):
        return stored == bool(computed)
    return stored == computed


def test_stored_rows_equal_the_analysis_on_the_same_frames():
    built = build_wave(outcomes=4, staff=16, users=9, carers=3, k=3)
    job = run_now(built.wave, resamples=300, seed=7)
    assert job.status == Job.Status.SUCCEEDED, job.error
    run = ComparisonRun.objects.get(pk=job.result["run"])
    assert (run.k, run.resamples, run.seed, run.n_staff, run.n_users) == (3, 300, 7, 16, 12)

    frames = load_wave(built.wave)
    expected = compare_outcomes(
        frames.outcome_answers, k=3, resamples=300, seed=7, user_proposed=frames.user_proposed
    )
    stored = list(run.rows.order_by("position").values_list(*COMPARISON_COLUMNS))
    assert len(stored) == len(expected) > 0
    for got, want in zip(stored, expected.itertuples(index=False, name=None), strict=True):
        for column, a, b in zip(COMPARISON_COLUMNS, got, want, strict=True):
            if column == "flag":
                assert a == (b or "")
            else:
                assert same(a, b), (column, a, b)
    breakdowns = set(run.rows.values_list("breakdown", flat=True))
    assert breakdowns == {"all", "organisation", "staff_group", "audience"}

    agreement = priority_agreement(expected)
    assert run.priority_agreement["n_outcomes"] == agreement["n_outcomes"]
    consensus = staff_consensus(frames.outcome_answers, k=3)
    assert [r["outcome"] for r in run.staff_consensus] == list(consensus["outcome"])
    picks = top_pick_counts(frames.top_picks, k=3, respondents={"staff": 16})
    assert [r["n_picking"] for r in run.top_picks] == [
        None if pd.isna(v) else int(v) for v in picks["n_picking"]
    ]
    assert {r["domain"] for r in run.domain_summary} == {"trust", "vision"}
    assert [r["domain"] for r in run.organisation_spread] == ["trust", "vision"]


def test_loaders_leave_out_withdrawn_participants_unsubmitted_responses_and_dont_know():
    built = build_wave(outcomes=2, staff=6, users=6)
    withdrawn, kept, unsubmitted = built.users[0], built.users[1], built.staff[0]
    participant_for(withdrawn, withdrawn=True, code="P-001")
    participant_for(kept, withdrawn=False, code="P-002")
    unsubmitted.submitted_on = None
    unsubmitted.save()

    frames = load_wave(built.wave)
    respondents = set(frames.outcome_answers["respondent"])
    assert withdrawn.pk not in respondents
    assert unsubmitted.pk not in respondents
    assert kept.pk in respondents
    assert unsubmitted.pk not in set(frames.process_answers["respondent"])
    assert unsubmitted.pk not in set(frames.top_picks["respondent"])

    counted = Answer.objects.filter(response_id__in=respondents, item__outcome__isnull=False)
    assert len(frames.outcome_answers) == counted.count()
    dont_know = counted.filter(dont_know=True).count()
    assert dont_know > 0
    assert int(frames.outcome_answers["value"].isna().sum()) == dont_know
    values = frames.outcome_answers["value"].dropna()
    assert set(values) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    staff = frames.outcome_answers[frames.outcome_answers["audience"] == "staff"]
    assert set(staff["organisation"]) == {"Org A", "Org B"}
    assert set(staff["group"]) == {"Nurses X", "Nurses Y"}
    assert frames.items_per_domain == {"trust": 2, "vision": 2}


def test_the_fingerprint_ignores_row_order_but_not_values():
    built = build_wave(outcomes=2, staff=6, users=6)
    frames = load_wave(built.wave)
    parameters = comparison_parameters(built.wave)
    digest = fingerprint(frames, parameters)
    frames.outcome_answers = frames.outcome_answers.iloc[::-1].reset_index(drop=True)
    assert fingerprint(frames, parameters) == digest
    assert fingerprint(frames, {**parameters, "seed": 1}) != digest
    frames.outcome_answers.loc[0, "value"] = (
        2.0 if frames.outcome_answers.loc[0, "value"] == 1.0 else 1.0
    )
    assert fingerprint(frames, parameters) != digest


def test_a_finished_job_is_never_recomputed():
    built = build_wave()
    job = run_now(built.wave, resamples=50)
    assert run_job(job.pk) is None  # a redelivered message finds the job finished
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 1)
    assert ComparisonRun.objects.count() == 1


def test_same_answers_reuse_the_run_and_changed_answers_make_a_new_one():
    built = build_wave()
    first = run_now(built.wave, resamples=50)
    assert first.result["reused"] is False
    again = run_now(built.wave, resamples=50)
    assert again.result == {
        "run": first.result["run"],
        "reused": True,
        "rows": first.result["rows"],
    }
    assert ComparisonRun.objects.count() == 1

    other_seed = run_now(built.wave, resamples=50, seed=3)
    assert other_seed.result["reused"] is False
    assert latest_run(built.wave).pk == other_seed.result["run"]

    answer = Answer.objects.filter(response=built.users[0], dont_know=False).first()
    original = answer.number
    answer.number = 1.0 if original != 1.0 else 2.0
    answer.save()
    changed = run_now(built.wave, resamples=50)
    assert changed.result["reused"] is False
    assert ComparisonRun.objects.count() == 3
    assert latest_run(built.wave).pk == changed.result["run"]

    answer.number = original
    answer.save()
    back = run_now(built.wave, resamples=50)  # the first run's answers and parameters again
    assert back.result["run"] == first.result["run"]
    assert latest_run(built.wave).pk == first.result["run"]


def test_an_attempt_that_died_after_storing_is_not_computed_again():
    built = build_wave()
    job = run_now(built.wave, resamples=50)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, result=None)  # died here
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["reused"] is True
    assert ComparisonRun.objects.count() == 1
    assert ComparisonRow.objects.filter(run__pk=job.result["run"]).exists()


def test_a_wave_without_answers_fails_with_the_reason_and_can_be_retried():
    built = build_wave(staff=8, users=8)
    Response.objects.filter(wave=built.wave).update(submitted_on=None)  # nothing submitted yet
    job = run_now(built.wave)
    assert job.status == Job.Status.FAILED
    assert "no submitted answers to outcome questions" in job.error
    assert not ComparisonRun.objects.exists()

    Response.objects.filter(wave=built.wave).update(submitted_on=DAY)
    assert run_job(job.pk) == job.pk  # the same job, retried
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)


def test_staff_answers_alone_make_a_run_of_staff_figures():
    """The shortlist is chosen from staff results before anyone else is asked: a run of staff
    answers alone stores the staff side, users' n is 0 and no difference is computed."""
    built = build_wave(staff=8, users=0)
    job = run_now(built.wave)
    assert job.status == Job.Status.SUCCEEDED, job.error
    run = ComparisonRun.objects.get(pk=job.result["run"])
    rows = run.rows.filter(breakdown="all")
    assert rows.exists() and all(r.n_users == 0 and r.mean_diff is None for r in rows)
    assert all(r.n_staff == 8 or r.suppressed or r.n_staff < 8 for r in rows)
    assert run.staff_summary and run.disclosure_note


def test_an_open_staff_survey_is_not_compared():
    built = build_wave()
    built.wave.status = built.wave.Status.OPEN
    built.wave.save()
    job = run_now(built.wave)
    assert job.status == Job.Status.FAILED
    assert "staff survey is still open" in job.error


def test_start_comparison_queues_the_task_and_audits(django_capture_on_commit_callbacks):
    built = build_wave()
    with django_capture_on_commit_callbacks(execute=True):
        job = start_comparison(built.wave)
    job.refresh_from_db()
    assert job.kind == JOB_KIND and job.status == Job.Status.SUCCEEDED
    assert job.parameters["k"] == built.wave.partnership.minimum_group_size
    assert job.parameters["resamples"] == 2000
    assert built.wave.partnership.audit_events.filter(action="comparison.started").exists()
