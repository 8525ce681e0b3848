"""A download job runs on a real Celery worker and leaves its file where the page finds it."""

import time

import pytest
from django.urls import reverse

from poet.models import Job, Role
from tests.factories import member
from tests.reports.reporting import seeded_wave


@pytest.fixture
def shared_media(tmp_path, monkeypatch, settings):
    """One MEDIA_ROOT for this process and the worker (which reads it from the environment)."""
    root = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    settings.MEDIA_ROOT = root
    return root


@pytest.mark.celery_worker
def test_a_pdf_download_is_made_on_the_worker(client, shared_media, celery_worker):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    url = reverse(
        "reports:downloads", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    assert client.post(url, {"kind": "summative", "format": "pdf"}).status_code == 302
    job = Job.objects.get(kind="report.download")
    deadline = time.monotonic() + 120
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error or job.message
    path = shared_media / job.result["file"]
    assert path.is_file() and path.read_bytes().startswith(b"%PDF")
    file_url = reverse(
        "reports:download_file",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, "job_id": job.pk},
    )
    assert b"".join(client.get(file_url).streaming_content).startswith(b"%PDF")
