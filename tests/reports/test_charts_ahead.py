"""A new run's charts are drawn by a job of their own as soon as a worker stores the run, so
even the run's first PDF only reads them (issue 19: the first PDF drew them, ≈ 1.5 s)."""

from __future__ import annotations

import io
import time

import pytest
from django.utils import translation

from poet.celery import app as celery_app
from poet.models import Job, Role
from poet.services import run_job
from reports.content import build_formative, build_summative
from reports.exporters import chart_images, get_exporter
from reports.exporters import pdf as pdf_module
from reports.selectors.runs import latest_run
from reports.services.charts import CHARTS_JOB
from reports.services.comparison import start_comparison
from tests.factories import member
from tests.reports.builders import build_wave
from tests.reports.showcase import build_showcase
from tests.reports.test_report_pdf import pdf_objects


@pytest.fixture
def on_a_worker(settings):
    """Jobs queued for background workers, as in production (the test runs them itself)."""
    celery_app.conf.task_always_eager = False  # put back by conftest's _tasks_in_process
    settings.POET_CHARTS_AHEAD = True


def pdf(report) -> bytes:
    out = io.BytesIO()
    get_exporter("pdf").render(report, out)
    return out.getvalue()


def charts_jobs(wave) -> list[Job]:
    return list(Job.objects.filter(kind=CHARTS_JOB, wave=wave).order_by("pk"))


def unique_charts(*reports) -> int:
    return len({chart_images.definition_key(c.figure) for r in reports for c in r.charts()})


@pytest.mark.django_db
def test_a_run_stored_by_a_worker_has_its_charts_drawn_before_anyone_asks(drawn, on_a_worker):
    wave = build_showcase()
    run = latest_run(wave)
    [job] = charts_jobs(wave)
    assert job.status == Job.Status.QUEUED
    assert job.parameters == {"run": run.pk, "languages": ["en-gb"]}

    run_job(job.pk)
    job.refresh_from_db()
    summative, formative = build_summative(wave), build_formative(wave)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result == {
        "run": run.pk,
        "drawn": unique_charts(summative, formative),
        "not_drawn": 0,
    }
    assert len(drawn) == unique_charts(summative, formative) > 0

    before = len(drawn)  # the first PDFs of the run: every chart already kept, none drawn
    for report in (summative, formative):
        objects = pdf_objects(pdf(report))
        assert objects.count(b"/DCTDecode") >= 1
    assert len(drawn) == before


@pytest.mark.django_db
def test_charts_are_drawn_in_the_language_of_whoever_started_the_run_too(drawn, on_a_worker):
    wave = build_showcase()
    start_comparison(wave, seed=99, language="cy", in_process=True)  # a new run, in Welsh
    run = latest_run(wave)
    first, second = charts_jobs(wave)
    assert second.parameters == {"run": run.pk, "languages": ["en-gb", "cy"]}

    run_job(first.pk)  # the replaced run's job: nothing drawn for a run nobody will read
    first.refresh_from_db()
    assert first.status == Job.Status.SUCCEEDED
    assert first.result["drawn"] == 0 and first.result["skipped"]
    assert drawn == []

    run_job(second.pk)
    second.refresh_from_db()
    assert second.status == Job.Status.SUCCEEDED, second.error
    with translation.override("cy"):
        welsh = [build_summative(wave), build_formative(wave)]
    english = [build_summative(wave), build_formative(wave)]
    assert unique_charts(*welsh) + unique_charts(*english) == second.result["drawn"] == len(drawn)
    with translation.override("cy"):
        for report in welsh:
            pdf(report)
    for report in english:
        pdf(report)
    assert len(drawn) == second.result["drawn"]  # every PDF of the run read its charts


@pytest.mark.django_db
def test_where_jobs_run_in_process_no_charts_are_drawn_ahead(drawn):
    """The embedded default and the demo: drawing ahead would start Chromium in the request."""
    wave = build_showcase()
    assert charts_jobs(wave) == [] and drawn == []


@pytest.mark.django_db
def test_drawing_ahead_can_be_turned_off(drawn, on_a_worker, settings):
    settings.POET_CHARTS_AHEAD = False
    wave = build_showcase()
    assert charts_jobs(wave) == [] and drawn == []


@pytest.mark.django_db
def test_a_reused_run_queues_no_drawing(drawn, on_a_worker):
    wave = build_showcase()
    run_job(charts_jobs(wave)[0].pk)
    job = start_comparison(wave, resamples=200, in_process=True)  # same answers, same parameters
    assert job.result["reused"] is True
    assert len(charts_jobs(wave)) == 1


@pytest.fixture
def shared_media(tmp_path, monkeypatch, settings):
    """One MEDIA_ROOT for this process and the worker (which reads it from the environment),
    and the worker drawing new runs' charts ahead (the test worker's default is not to)."""
    root = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    monkeypatch.setenv("POET_CHARTS_AHEAD", "true")
    settings.MEDIA_ROOT = root
    return root


def finished(job: Job, seconds: float) -> Job:
    deadline = time.monotonic() + seconds
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.3)
        job.refresh_from_db()
    return job


@pytest.mark.celery_worker
def test_on_a_real_worker_the_first_pdf_of_a_run_finds_its_charts_drawn(
    client, shared_media, celery_worker, monkeypatch
):
    built = build_wave(outcomes=3, staff=14, users=8, carers=2, k=5)
    wave = built.wave
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    response = client.post(f"/p/{wave.partnership.slug}/waves/{wave.slug}/comparisons/run/")
    assert response.status_code == 302
    comparison = finished(Job.objects.get(kind="comparison"), 120)
    assert comparison.status == Job.Status.SUCCEEDED, comparison.error or comparison.message
    charts = finished(Job.objects.get(kind=CHARTS_JOB, wave=wave), 180)  # Chromium starts cold
    assert charts.status == Job.Status.SUCCEEDED, charts.error or charts.message

    summative, formative = build_summative(wave), build_formative(wave)
    assert charts.result["drawn"] == unique_charts(summative, formative) > 0
    assert charts.result["not_drawn"] == 0
    run = latest_run(wave)
    folder = chart_images.run_folder(wave.pk, run.pk, run.fingerprint)
    for chart in [*summative.charts(), *formative.charts()]:
        image = chart_images.cached(folder, chart_images.definition_key(chart.figure))
        assert image is not None and image.startswith(b"\xff\xd8"), chart.key  # a JPEG

    def no_chromium(figure):
        raise AssertionError("the first PDF of the run drew a chart")

    monkeypatch.setattr(pdf_module, "chart_image", no_chromium)
    objects = pdf_objects(pdf(summative))
    assert b"/DCTDecode" in objects
