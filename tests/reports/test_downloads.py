"""Downloads page, download jobs, the files they make, who may fetch them, and the audit log."""

import csv
import io
import os
import re

import pytest
from django.urls import reverse

from poet.models import AuditEvent, Job, Role
from poet.tasks import run_job
from reports.exporters import get_answers_exporter, get_exporter
from reports.exporters.csv import WITHHELD
from reports.services.downloads import DownloadError, start_download
from tests.factories import WaveFactory, member
from tests.reports.builders import participant_for
from tests.reports.reporting import TINY, seeded_wave

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def downloads():
    return Job.objects.filter(kind__in=["report.download", "answers.download"])


@pytest.fixture
def built():
    return seeded_wave()


def page_url(wave) -> str:
    return reverse(
        "reports:downloads", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def start(client, wave, capture, **data):
    with capture(execute=True):
        return client.post(page_url(wave), data)


def test_manager_makes_a_pdf_and_downloads_it(
    client, built, media, django_capture_on_commit_callbacks
):
    wave = built.wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(page_url(wave))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1" in html and "Summative report" in html and "Raw answers" not in html
    assert "raw answers" not in html.lower()  # nor the hint about their format

    response = start(
        client, wave, django_capture_on_commit_callbacks, kind="summative", format="pdf"
    )
    job = Job.objects.get(kind="report.download")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/p/{wave.partnership.slug}/jobs/{job.pk}/?next=")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.progress == 100
    stored = media / "downloads" / wave.partnership.slug / str(job.pk) / job.result["filename"]
    assert stored.is_file() and stored.read_bytes().startswith(b"%PDF")

    listing = client.get(page_url(wave)).content.decode()
    file_url = reverse(
        "reports:download_file",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, "job_id": job.pk},
    )
    assert file_url in listing
    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    steps = list(
        AuditEvent.objects.filter(action="report.downloaded").values_list("detail__step", flat=True)
    )
    assert sorted(steps) == ["fetched", "generated"]


@pytest.mark.parametrize("format", ["xlsx", "csv", "html"])
def test_every_report_format_makes_a_file(
    client, built, format, django_capture_on_commit_callbacks
):
    wave = built.wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    start(client, wave, django_capture_on_commit_callbacks, kind="formative", format=format)
    job = Job.objects.get(kind="report.download")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["filename"].endswith("." + get_exporter(format).extension)


def test_someone_from_another_partnership_gets_404(
    client, built, django_capture_on_commit_callbacks
):
    wave = built.wave
    job = start_download(wave, "summative", "html", None)
    run_job(job.pk)
    outsider = member(WaveFactory().partnership, Role.ADMINISTRATOR)
    client.force_login(outsider)
    assert client.get(page_url(wave)).status_code == 404
    file_url = reverse(
        "reports:download_file",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, "job_id": job.pk},
    )
    assert client.get(file_url).status_code == 404
    assert not AuditEvent.objects.filter(detail__step="fetched").exists()


def test_raw_answers_need_the_evaluate_right(client, built, django_capture_on_commit_callbacks):
    wave = built.wave
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    assert "Raw answers" in client.get(page_url(wave)).content.decode()
    start(client, wave, django_capture_on_commit_callbacks, kind="answers")
    job = Job.objects.get(kind="answers.download")
    assert job.status == Job.Status.SUCCEEDED, job.error
    url = reverse(
        "reports:download_file",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, "job_id": job.pk},
    )
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="answers.downloaded", detail__step="fetched").exists()

    client.force_login(member(wave.partnership, Role.MANAGER))
    assert client.get(url).status_code == 404
    response = start(client, wave, django_capture_on_commit_callbacks, kind="answers")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert downloads().count() == 1


def test_bad_choices_are_explained_on_the_page(client, built, django_capture_on_commit_callbacks):
    wave = built.wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    response = start(client, wave, django_capture_on_commit_callbacks, kind="summative")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "Choose a file format." in html
    assert not downloads().exists()


def test_no_comparison_run_says_so_instead_of_failing(client, django_capture_on_commit_callbacks):
    wave = seeded_wave(run=False).wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    assert "no finished comparison" in client.get(page_url(wave)).content.decode()
    response = start(
        client, wave, django_capture_on_commit_callbacks, kind="summative", format="pdf"
    )
    assert response.status_code == 200 and "run the comparison first" in response.content.decode()
    with pytest.raises(DownloadError):
        start_download(wave, "summative", "pdf", None)


def test_a_redelivered_finished_job_is_not_redone(built):
    job = start_download(built.wave, "summative", "csv", None)
    run_job(job.pk)
    job.refresh_from_db()
    path = job.result["file"]
    assert run_job(job.pk) is None
    job.refresh_from_db()
    assert job.attempts == 1 and job.result["file"] == path
    assert AuditEvent.objects.filter(detail__step="generated").count() == 1


def answers_rows(wave) -> list[dict[str, str]]:
    out = io.BytesIO()
    get_answers_exporter("answers_csv").render(wave, out)
    text = out.getvalue().decode()
    assert text.splitlines()[0] == "respondent,audience,organisation,group,item,value"
    return list(csv.DictReader(io.StringIO(text)))


def test_tidy_answers_are_design_format_with_opaque_ids_and_inert_text(built):
    wave = built.wave
    participant_for(built.users[0], withdrawn=True)
    rows = answers_rows(wave)
    respondents = {r["respondent"] for r in rows}
    counted = len(built.staff) + len(built.users) - 1  # the withdrawn participant left out
    assert respondents == {str(n) for n in range(1, counted + 1)}
    audiences = {r["respondent"]: r["audience"] for r in rows}
    assert sum(1 for a in audiences.values() if a == "staff") == len(built.staff)
    values = {r["value"] for r in rows if r["item"].startswith("O-")}
    assert values <= {"1", "2", "3", "4", "5", "DK"} and "DK" in values
    # Both comments come from organisation × group combinations below k=5: withheld, since
    # writing style can give a small team's member away (text neutralising of the raw file:
    # tests/reports/test_answers_export.py).
    comments = {r["value"] for r in rows if r["item"] == "COMMENT"}
    assert comments == {WITHHELD}
    picks = [r["value"] for r in rows if r["item"] == "TOP3"]
    assert picks and all(len(p.split(";")) == 3 for p in picks)
    staff = [r for r in rows if r["audience"] == "staff"]
    # The 2-person tiny team is never named beside its members' answers (k=5): their staff
    # group is blank, so no raw row pins a small team.
    assert TINY not in {r["group"] for r in staff}
    assert {r["group"] for r in staff} <= {"Nurses X", "Nurses Y", ""}
    blank = {r["respondent"] for r in staff if r["group"] == ""}
    assert len(blank) >= 2
    assert all(r["organisation"] == "" for r in rows if r["audience"] != "staff")
    # 7 service users keep their group; the 2 carers, a whole audience below k, show none
    groups = {(r["audience"], r["group"]) for r in rows if r["audience"] != "staff"}
    assert groups == {("service_user", "Older people"), ("carer", "")}
    # a fresh numbering each export: ids cannot be matched across files
    again = answers_rows(wave)
    first = [(r["respondent"], r["item"]) for r in rows if r["item"] == "COMMENT"]
    second = [(r["respondent"], r["item"]) for r in again if r["item"] == "COMMENT"]
    assert len(first) == len(second) == 2
    pairs = [(r["respondent"], r["item"]) for r in rows]
    assert len(pairs) == len(set(pairs))  # one row per respondent and item


def test_a_stored_file_outside_media_is_refused(built):
    job = start_download(built.wave, "summative", "csv", None)
    run_job(job.pk)
    Job.objects.filter(pk=job.pk).update(
        result={**Job.objects.get(pk=job.pk).result, "file": "../../etc/passwd"}
    )
    job.refresh_from_db()
    with pytest.raises(DownloadError):
        from reports.services.downloads import download_file

        download_file(job)
    assert os.path.exists("/etc/passwd")


def test_files_older_than_the_keeping_time_are_deleted_and_say_so(
    client, built, media, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from reports.services.downloads import expire_downloads
    from reports.tasks import expire_old_downloads

    settings.DOWNLOAD_KEEP_DAYS = 7
    wave = built.wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    start(client, wave, django_capture_on_commit_callbacks, kind="summative", format="csv")
    start(client, wave, django_capture_on_commit_callbacks, kind="formative", format="csv")
    old, new = downloads().order_by("pk")
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timezone.timedelta(days=8))
    folder = media / "downloads" / wave.partnership.slug
    assert (folder / str(old.pk)).is_dir() and (folder / str(new.pk)).is_dir()

    assert expire_old_downloads() == 1
    assert expire_downloads() == 0  # already gone: nothing twice
    assert not (folder / str(old.pk)).exists()
    assert (folder / str(new.pk) / new.result["filename"]).is_file()

    listing = client.get(page_url(wave)).content.decode()
    assert "Deleted after 7 days: make it again" in listing
    old_url = reverse(
        "reports:download_file",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, "job_id": old.pk},
    )
    assert old_url not in listing
    assert client.get(old_url).status_code == 404
    new_url = reverse(
        "reports:download_file",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, "job_id": new.pk},
    )
    assert client.get(new_url).status_code == 200


def test_compare_with_offers_only_earlier_waves_with_results(client):
    """A later draft, and an earlier wave never compared, are not offered; an earlier wave with
    a comparison run is (and a report page given any other wave says it cannot compare)."""
    earlier = seeded_wave().wave
    unfinished = WaveFactory(partnership=earlier.partnership, name="Spring, never compared")
    wave = seeded_wave().wave
    wave.partnership = earlier.partnership
    wave.save()
    later = WaveFactory(partnership=earlier.partnership, name="Next year draft")
    client.force_login(member(earlier.partnership, Role.MANAGER))
    page = client.get(page_url(wave)).content.decode()
    select = page.split('name="compare_with"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]*)"', select)
    assert earlier.slug in options
    assert unfinished.slug not in options and later.slug not in options
    report = reverse(
        "reports:summative", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    shown = client.get(f"{report}?compare={later.slug}").content.decode()
    assert "cannot be compared" in shown
