import pytest

from poet.models import Job, Role
from poet.services import claim_job, create_job, run_job
from tests.factories import WaveFactory, member

pytestmark = pytest.mark.django_db


def test_a_finished_job_is_never_run_again():
    job = create_job("test", partnership=WaveFactory().partnership)
    calls = []
    run_job(job.pk, lambda job, progress: calls.append(1) or {"ok": True})
    assert run_job(job.pk, lambda job, progress: calls.append(1)) is None
    assert calls == [1]
    job.refresh_from_db()
    assert (job.status, job.result, job.attempts, job.progress) == (
        "succeeded",
        {"ok": True},
        1,
        100,
    )


def test_a_failed_job_says_why_and_can_run_again():
    job = create_job("test", partnership=WaveFactory().partnership)

    def broken(job, progress):
        progress(0.4, "Halfway")
        raise ValueError("the wave has no answers yet")

    run_job(job.pk, broken)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "ValueError: the wave has no answers yet"
    assert (job.progress, job.message) == (40, "Halfway")
    assert claim_job(job.pk).attempts == 2


def test_job_page_shows_progress_as_json_and_html(client):
    wave = WaveFactory()
    client.force_login(member(wave.partnership, Role.MANAGER))
    job = Job.objects.create(
        partnership=wave.partnership, wave=wave, kind="t", progress=30, message="Counting"
    )
    url = f"/p/{wave.partnership.slug}/jobs/{job.pk}/"
    data = client.get(url, headers={"Accept": "application/json"}).json()
    assert data == {
        "status": "queued",
        "status_label": "Queued",
        "progress": 30,
        "message": "Counting",
        "error": "",
        "finished": False,
    }
    page = client.get(url + "?next=https://evil.example/").content.decode()
    assert "Queued: 30% – Counting" in page
    assert 'http-equiv="refresh"' in page
    assert "evil.example" not in page
