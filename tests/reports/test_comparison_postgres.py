"""On real PostgreSQL: the COPY loaders, and a run queued from the page finishing on a worker."""

import time

import pytest

from poet.models import Job, Role
from reports.models import ComparisonRow, ComparisonRun
from reports.selectors.frames import load_top_picks, load_wave
from surveys.models import Answer
from tests.factories import member
from tests.reports.builders import build_wave, participant_for


@pytest.mark.django_db
def test_copy_loaders_read_what_the_orm_sees(postgres):
    built = build_wave(outcomes=2, staff=10, users=6, carers=2)
    participant_for(built.users[0], withdrawn=True)
    frames = load_wave(built.wave)
    assert built.users[0].pk not in set(frames.outcome_answers["respondent"])
    counted = Answer.objects.filter(response__wave=built.wave, item__outcome__isnull=False).exclude(
        response=built.users[0]
    )
    assert len(frames.outcome_answers) == counted.count()
    assert (
        int(frames.outcome_answers["value"].isna().sum()) == counted.filter(dont_know=True).count()
    )
    assert frames.outcome_answers["respondent"].dtype == "int64"
    assert set(frames.outcome_answers["audience"].astype(str)) == {"staff", "service_user", "carer"}
    assert len(frames.process_answers) == 10 * 4
    assert len(frames.top_picks) == 10 * 2


@pytest.mark.celery_worker
def test_a_run_queued_from_the_page_completes_on_a_worker(client, celery_worker):
    built = build_wave(outcomes=2, staff=12, users=8)
    wave = built.wave
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    response = client.post(f"/p/{wave.partnership.slug}/waves/{wave.slug}/comparisons/run/")
    assert response.status_code == 302
    job = Job.objects.get(kind="comparison")
    deadline = time.monotonic() + 60
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error or job.message
    run = ComparisonRun.objects.get(pk=job.result["run"])
    assert run.job_id == job.pk
    assert ComparisonRow.objects.filter(run=run).count() == 2 * 2 * (1 + 2 + 2 + 1)


@pytest.mark.django_db
def test_top_picks_are_unnested_in_postgresql_as_the_python_reader_did(postgres):
    built = build_wave(outcomes=2, staff=4, users=2)
    picks = list(Answer.objects.filter(response__wave=built.wave, item__code="TOP3").order_by("pk"))
    codes = sorted({outcome for answer in picks for outcome in answer.choices})
    odd = [[codes[0], codes[0], "", None], {"not": "a list"}, [], "text"]
    for answer, choices in zip(picks, odd, strict=False):
        answer.choices = choices
        answer.save()
    frame = load_top_picks(built.wave)
    assert list(frame.columns) == ["respondent", "audience", "outcome"]
    assert frame["respondent"].dtype == "int64" and frame["outcome"].dtype == object
    expected = {(picks[0].response_id, codes[0])} | {
        (answer.response_id, outcome) for answer in picks[4:] for outcome in answer.choices
    }
    assert set(zip(frame["respondent"], frame["outcome"], strict=True)) == expected
    assert len(frame) == len(expected)  # a respondent picking one outcome twice counts once
