"""Report files and raw answers through the API: the downloads page's jobs, exporters and rules;
the streamed answers are the page's file byte for byte."""

from __future__ import annotations

import pytest
from django.urls import reverse

from poet.models import AuditEvent, Job, Role
from tests.api.test_api import assert_problem, bearer, token_for
from tests.factories import WaveFactory, member
from tests.reports.reporting import seeded_wave

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def built():
    return seeded_wave()


def api(wave, tail: str) -> str:
    return f"/api/v1/partnerships/{wave.partnership.slug}/waves/{wave.slug}/{tail}"


def post_json(client, url: str, raw: str, body: dict):
    return client.post(url, body, content_type="application/json", **bearer(raw))


def test_a_manager_makes_a_pdf_polls_its_job_and_fetches_the_file(
    client, built, django_capture_on_commit_callbacks
):
    wave = built.wave
    raw = token_for(member(wave.partnership, Role.MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        started = post_json(
            client, api(wave, "reports/"), raw, {"report": "summative", "format": "pdf"}
        )
    assert started.status_code == 202
    job = client.get(started.json()["url"], **bearer(raw)).json()
    assert job["status"] == "succeeded" and job["progress"] == 100, job["error"]
    assert job["title"] == "making the summative report (PDF)"
    response = client.get(job["file_url"], **bearer(raw))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    steps = AuditEvent.objects.filter(action="report.downloaded").values_list(
        "detail__step", flat=True
    )
    assert sorted(steps) == ["fetched", "generated"]


@pytest.mark.parametrize("format", ["csv", "xlsx", "html"])
def test_every_format_of_the_page_is_offered(
    client, built, format, django_capture_on_commit_callbacks
):
    raw = token_for(member(built.wave.partnership, Role.EVALUATOR))
    with django_capture_on_commit_callbacks(execute=True):
        started = post_json(
            client, api(built.wave, "reports/"), raw, {"report": "formative", "format": format}
        )
    job = Job.objects.get(pk=started.json()["id"])
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert client.get(started.json()["url"], **bearer(raw)).json()["file_url"]


def test_without_a_comparison_it_says_to_run_one_first(client):
    wave = WaveFactory()
    raw = token_for(member(wave.partnership, Role.MANAGER))
    response = post_json(
        client, api(wave, "reports/"), raw, {"report": "formative", "format": "pdf"}
    )
    body = assert_problem(response, 409)
    assert body["title"] == "Conflict"
    assert "run the comparison first" in body["detail"]
    assert not Job.objects.exists()


def test_unknown_reports_formats_and_waves_are_refused(client, built):
    wave = built.wave
    raw = token_for(member(wave.partnership, Role.MANAGER))
    for body in (
        {"report": "annual", "format": "pdf"},
        {"report": "formative", "format": "docx"},
        {"report": "formative"},
    ):
        problem = assert_problem(post_json(client, api(wave, "reports/"), raw, body), 422)
        assert problem["errors"]
    unknown = {"report": "formative", "format": "pdf", "compare_with": "no-such-wave"}
    problem = assert_problem(post_json(client, api(wave, "reports/"), raw, unknown), 404)
    assert "'no-such-wave' is not an earlier wave" in problem["detail"]
    later = WaveFactory(partnership=wave.partnership, slug="later")
    itself = {"report": "formative", "format": "pdf", "compare_with": later.slug}
    problem = assert_problem(post_json(client, api(wave, "reports/"), raw, itself), 409)
    assert "the waves to compare with are: none yet" in problem["detail"]
    assert not Job.objects.filter(kind="report.download").exists()


def test_raw_answers_files_are_for_evaluators_as_on_the_page(
    client, built, django_capture_on_commit_callbacks
):
    wave = built.wave
    evaluator = member(wave.partnership, Role.EVALUATOR)
    client.force_login(evaluator)
    page = reverse("reports:downloads", args=[wave.partnership.slug, wave.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"kind": "answers"})
    job = Job.objects.get(kind="answers.download")
    url = api(wave, f"downloads/{job.pk}/file/")
    manager = token_for(member(wave.partnership, Role.MANAGER))
    assert_problem(client.get(url, **bearer(manager)), 404)
    assert client.get(url, **bearer(token_for(evaluator))).status_code == 200


def test_a_file_not_ready_says_so(client, built):
    wave = built.wave
    job = Job.objects.create(
        partnership=wave.partnership, wave=wave, kind="report.download", parameters={}
    )
    raw = token_for(member(wave.partnership, Role.MANAGER))
    body = assert_problem(client.get(api(wave, f"downloads/{job.pk}/file/"), **bearer(raw)), 404)
    assert body["detail"] == "This file is not ready."


def test_streamed_answers_are_the_page_download_byte_for_byte(
    client, built, monkeypatch, django_capture_on_commit_callbacks
):
    """The same exporter either way; its fresh random respondent numbers are pinned here."""
    monkeypatch.setattr("reports.exporters.csv.secrets.token_hex", lambda n: "pinned")
    monkeypatch.setattr("reports.exporters.csv.BLOCK_BYTES", 1024)
    wave = built.wave
    evaluator = member(wave.partnership, Role.EVALUATOR)
    client.force_login(evaluator)
    page = reverse("reports:downloads", args=[wave.partnership.slug, wave.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"kind": "answers"})
    job = Job.objects.get(kind="answers.download")
    fetched = client.get(
        reverse("reports:download_file", args=[wave.partnership.slug, wave.slug, job.pk])
    )
    page_file = b"".join(fetched.streaming_content)
    client.logout()

    streamed = client.get(api(wave, "answers.csv"), **bearer(token_for(evaluator)))
    assert streamed.status_code == 200 and streamed.streaming
    assert streamed["Content-Type"] == fetched["Content-Type"] == "text/csv; charset=utf-8"
    assert streamed["Content-Disposition"] == f'attachment; filename="{job.result["filename"]}"'
    chunks = list(streamed.streaming_content)
    assert len(chunks) > 2  # sent in blocks as the database sends it, not as one piece
    assert all(len(chunk) < 1024 + 200 for chunk in chunks)
    assert b"".join(chunks) == page_file
    assert page_file.count(b"\n") > 100
    assert AuditEvent.objects.filter(
        action="answers.downloaded", detail__via="api", detail__step="generated"
    ).exists()


def test_streamed_answers_are_for_evaluators(client, built):
    raw = token_for(member(built.wave.partnership, Role.MANAGER))
    assert_problem(client.get(api(built.wave, "answers.csv"), **bearer(raw)), 403)
    assert not AuditEvent.objects.filter(action="answers.downloaded").exists()
