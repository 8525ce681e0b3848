"""Reports in English or Welsh, chosen at download (issue 17, item 5): the downloads page asks,
the job carries the language and writes its file in it, the file's name says which, and a file
of one language is never served for the other. And the reports app's pages in Welsh (item 1)."""

from __future__ import annotations

import re
import time

import pytest
from django.core.management import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from poet.models import Job, Role
from reports.services.downloads import DownloadError, start_download
from tests.factories import member
from tests.reports.reporting import seeded_wave

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def page_url(wave) -> str:
    return reverse(
        "reports:downloads", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def file_url(job) -> str:
    return reverse(
        "reports:download_file",
        kwargs={"partnership": job.partnership.slug, "wave": job.wave.slug, "job_id": job.pk},
    )


def job_url(job) -> str:
    return reverse("job", kwargs={"partnership": job.partnership.slug, "job_id": job.pk})


def month(language: str) -> str:
    """This month's name as a report made now writes it in `language`."""
    with translation.override(language):
        return date_format(timezone.localtime(), "F")


def generated_months(html: str) -> list[str]:
    """The month of the file's "Generated" date (the report's header), as it is written."""
    return re.findall(r"<dd>\d{1,2} ([^\W\d]+) \d{4}, \d{2}:\d{2}</dd>", html)


def checked(html: str, value: str) -> bool:
    radio = re.search(rf'<input[^>]*name="language"[^>]*value="{value}"[^>]*>', html)
    assert radio, f"no {value} radio"
    return "checked" in radio.group(0)


def fetched(client, job) -> bytes:
    return b"".join(client.get(file_url(job)).streaming_content)


def test_the_downloads_page_asks_the_language_defaulting_to_the_persons(client):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    english = client.get(page_url(wave)).content.decode()
    assert "Language of the report" in english
    assert checked(english, "en-gb") and not checked(english, "cy")
    assert re.search(r'<label[^>]*>\s*<span lang="cy">Cymraeg</span>\s*</label>', english)
    client.cookies["django_language"] = "cy"
    welsh = client.get(page_url(wave)).content.decode()
    assert "Iaith yr adroddiad" in welsh and "Language of the report" not in welsh
    assert checked(welsh, "cy") and not checked(welsh, "en-gb")


def test_a_welsh_report_and_an_english_one_are_each_their_own_file(
    client, django_capture_on_commit_callbacks
):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    for language in ("cy", "en-gb"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                page_url(wave), {"kind": "summative", "format": "html", "language": language}
            )
        assert response.status_code == 302
    welsh, english = Job.objects.filter(kind="report.download").order_by("pk")
    assert welsh.status == english.status == Job.Status.SUCCEEDED, welsh.error or english.error
    assert welsh.parameters["language"] == "cy" and english.parameters["language"] == "en-gb"
    assert welsh.result["filename"].endswith("-summative-cy.html")
    assert english.result["filename"].endswith("-summative.html")  # as before
    assert welsh.result["file"] != english.result["file"]
    welsh_file, english_file = fetched(client, welsh).decode(), fetched(client, english).decode()
    assert month("cy") != month("en-gb")
    assert generated_months(welsh_file) == [month("cy")]
    assert generated_months(english_file) == [month("en-gb")]
    download = client.get(file_url(welsh))
    assert "-summative-cy.html" in download["Content-Disposition"]
    # The list of files made says which language each is in, each name in its own language.
    listing = client.get(page_url(wave)).content.decode()
    cells = re.findall(r"<td[^>]*data-language>(.*?)</td>", listing)
    assert cells == ['<span lang="en-gb">English</span>', '<span lang="cy">Cymraeg</span>']
    assert listing.count("Summative report (HTML)<br>") == 2
    client.cookies["django_language"] = "cy"
    welsh_listing = client.get(page_url(wave)).content.decode()
    assert welsh_listing.count("Adroddiad crynodol (HTML)<br>") == 2
    assert "Ffeiliau a wnaed yn ddiweddar" in welsh_listing


def test_a_language_not_offered_is_refused(client, django_capture_on_commit_callbacks):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page_url(wave), {"kind": "summative", "format": "html", "language": "ur"}
        )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    with pytest.raises(DownloadError):
        start_download(wave, "summative", "html", None, language="ur")
    assert not Job.objects.filter(kind="report.download").exists()


def test_english_stays_the_default_without_a_choice(client, django_capture_on_commit_callbacks):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(wave), {"kind": "summative", "format": "html"})
    job = Job.objects.get(kind="report.download")
    assert job.parameters["language"] == "en-gb"
    assert job.result["filename"].endswith("-summative.html")
    assert generated_months(fetched(client, job).decode()) == [month("en-gb")]
    page = client.get(job_url(job)).content.decode()
    assert "making the summative report (HTML)" in page


def test_a_report_page_in_welsh_makes_its_file_in_welsh(client, django_capture_on_commit_callbacks):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    client.cookies["django_language"] = "cy"
    url = f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/formative/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"format": "csv"}).status_code == 302
    job = Job.objects.get(kind="report.download")
    assert job.parameters["language"] == "cy"
    assert job.result["filename"].endswith("-formative-cy.csv")


def test_the_api_may_ask_for_welsh(client, django_capture_on_commit_callbacks):
    from tests.api.test_api import bearer, token_for

    wave = seeded_wave().wave
    raw = token_for(member(wave.partnership, Role.MANAGER))
    url = f"/api/v1/partnerships/{wave.partnership.slug}/waves/{wave.slug}/reports/"
    body = {"report": "summative", "format": "html", "language": "cy"}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, body, content_type="application/json", **bearer(raw))
    assert started.status_code == 202
    job = Job.objects.get(kind="report.download")
    assert job.parameters["language"] == "cy"
    assert job.result["filename"].endswith("-summative-cy.html")
    refused = client.post(
        url, {**body, "language": "ur"}, content_type="application/json", **bearer(raw)
    )
    assert refused.status_code == 422
    assert Job.objects.filter(kind="report.download").count() == 1


@pytest.fixture
def shared_media(tmp_path, monkeypatch, settings):
    """One MEDIA_ROOT for this process and the worker (which reads it from the environment)."""
    root = tmp_path / "shared-media"
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    settings.MEDIA_ROOT = root
    return root


@pytest.mark.celery_worker
def test_a_manager_chooses_cymraeg_and_the_worker_writes_the_report_in_welsh(
    client, shared_media, celery_worker
):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    client.cookies["django_language"] = "cy"
    page = client.get(page_url(wave)).content.decode()
    assert "<h1" in page and "Lawrlwythiadau" in page
    response = client.post(
        page_url(wave), {"kind": "summative", "format": "html", "language": "cy"}
    )
    assert response.status_code == 302
    job = Job.objects.get(kind="report.download")
    deadline = time.monotonic() + 120
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error or job.message
    assert job.parameters["language"] == "cy"
    assert job.result["filename"].endswith("-summative-cy.html")
    report = (shared_media / job.result["file"]).read_text("utf-8")
    assert generated_months(report) == [month("cy")]
    # The job page, in Welsh, says what was made and offers the file.
    done = client.get(job_url(job)).content.decode()
    assert "gwneud yr adroddiad crynodol (HTML)" in done
    assert f"Lawrlwytho {job.result['filename']}" in done
    # Read in English, the same job says its report is in Welsh.
    client.cookies["django_language"] = "en-gb"
    assert (
        "making the summative report in Welsh (HTML)" in client.get(job_url(job)).content.decode()
    )


def test_the_reports_pages_in_welsh_for_a_manager_and_unchanged_in_english(client):
    wave = seeded_wave().wave
    p = wave.partnership
    results = reverse("reports:comparison", kwargs={"partnership": p.slug, "wave": wave.slug})
    client.force_login(member(p, Role.MANAGER))
    english = client.get(results).content.decode()
    assert "Staff compared with service users and carers" in english
    assert "Priority agreement" in english
    english_wave = client.get(wave.get_absolute_url()).content.decode()
    assert "Read and download the reports" in english_wave

    client.cookies["django_language"] = "cy"
    welsh = client.get(results).content.decode()
    assert "Staff o’u cymharu â defnyddwyr gwasanaeth a gofalwyr" in welsh
    assert "Cytundeb ar flaenoriaethau" in welsh and "Rhedeg y gymhariaeth" not in welsh
    assert "Staff compared with service users and carers" not in welsh
    assert "Priority agreement" not in welsh
    downloads = client.get(page_url(wave)).content.decode()
    assert "Pa adroddiad?" in downloads and "Which report?" not in downloads
    assert "Make the file" not in downloads and "Gwneud y ffeil" in downloads
    wave_page = client.get(wave.get_absolute_url()).content.decode()
    assert "Darllen a lawrlwytho’r adroddiadau" in wave_page
    assert "Read and download the reports" not in wave_page


def test_the_next_wave_page_in_welsh(client):
    wave = seeded_wave(run=False).wave
    client.force_login(member(wave.partnership, Role.ADMINISTRATOR))
    url = reverse(
        "reports:next_wave", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    assert "Start the next wave" in client.get(url).content.decode()
    client.cookies["django_language"] = "cy"
    page = client.get(url).content.decode()
    assert "Dechrau’r cylch nesaf" in page and "Enw’r cylch newydd" in page
    assert "Start the next wave" not in page and "Not copied" not in page
    refused = client.post(url, {"name": ""}).content.decode()
    assert "Gwall:" in refused and "Rhowch enw ar gyfer y cylch newydd." in refused


def test_the_export_command_writes_a_welsh_report(tmp_path):
    from tests.reports.test_export_report import export

    wave = seeded_wave().wave
    welsh = export(tmp_path, wave, "summative", "html", "--language", "cy").decode()
    assert generated_months(welsh) == [month("cy")]
    english = export(tmp_path, wave, "summative", "html").decode()
    assert generated_months(english) == [month("en-gb")]
    with pytest.raises(CommandError):
        export(tmp_path, wave, "summative", "html", "--language", "ur")


def test_a_comparison_started_in_welsh_says_its_progress_in_welsh_and_reuses_across_languages(
    client, django_capture_on_commit_callbacks
):
    wave = seeded_wave(run=False).wave
    p = wave.partnership
    client.force_login(member(p, Role.EVALUATOR))
    run_url = reverse("reports:comparison_run", kwargs={"partnership": p.slug, "wave": wave.slug})
    client.cookies["django_language"] = "cy"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(run_url).status_code == 302
    welsh = Job.objects.get(kind="comparison")
    assert welsh.status == Job.Status.SUCCEEDED, welsh.error
    assert welsh.parameters["language"] == "cy"
    assert welsh.message == "Canlyniadau wedi’u cadw"
    # The language is no parameter of the figures: the same answers in English reuse the run.
    client.cookies["django_language"] = "en-gb"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(run_url)
    english = Job.objects.filter(kind="comparison").latest("pk")
    assert english.result["reused"] and english.result["run"] == welsh.result["run"]
    assert english.message == (
        "The answers have not changed since the last run: reused its results"
    )
