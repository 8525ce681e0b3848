"""Download buttons on the formative and summative report pages (issue 15, item 8): each format
starts the downloads page's job and lands on the job page, which offers the file."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlparse

import pytest

from poet.models import Job, Role
from tests.factories import WaveFactory, member
from tests.reports.reporting import seeded_wave
from tests.reports.test_context_sections import add_run

pytestmark = pytest.mark.django_db

FORMATS = {
    "pdf": "PDF document",
    "xlsx": "Excel workbook (XLSX)",
    "csv": "CSV (the report&#x27;s tables, one line per figure)",
    "html": "Interactive web page (HTML)",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def url(wave, kind: str, compare: str = "") -> str:
    base = f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/{kind}/"
    return base + (f"?compare={compare}" if compare else "")


def downloads():
    return Job.objects.filter(kind="report.download")


@pytest.mark.parametrize("kind", ["formative", "summative"])
def test_the_page_offers_a_button_per_format(client, kind):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(url(wave, kind)).content.decode()
    assert 'id="download-heading"' in page
    order = [page.index(f'name="format" value="{f}"') for f in ("pdf", "html", "xlsx", "csv")]
    assert order == sorted(order)  # PDF first: the one to read and share
    for format, label in FORMATS.items():
        hidden = '<span class="govuk-visually-hidden">Download </span>'
        button = rf'name="format" value="{format}"[^>]*>{hidden}{re.escape(label)}</button>'
        assert re.search(button, page)


@pytest.mark.parametrize("format", list(FORMATS))
def test_a_button_makes_the_file_and_the_job_page_offers_it(
    client, format, django_capture_on_commit_callbacks
):
    wave = seeded_wave().wave
    manager = member(wave.partnership, Role.MANAGER)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(wave, "summative"), {"format": format})
    job = downloads().get()
    assert job.created_by == manager
    assert job.parameters["report"] == "summative" and job.parameters["format"] == format
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == f"/p/{wave.partnership.slug}/jobs/{job.pk}/"
    assert parse_qs(location.query)["next"] == [url(wave, "summative")]
    job_page = client.get(response["Location"]).content.decode()
    file_url = f"/p/{wave.partnership.slug}/waves/{wave.slug}/downloads/{job.pk}/file/"
    assert f'href="{file_url}"' in job_page
    assert f'href="{url(wave, "summative")}"' in job_page  # back to the report
    fetched = client.get(file_url)
    assert fetched.status_code == 200 and fetched["Content-Disposition"].startswith("attachment")


def test_no_run_no_buttons_and_a_post_says_why(client):
    wave = WaveFactory()
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(url(wave, "formative")).content.decode()
    assert "No results yet" in page and "Download this report" not in page
    response = client.post(url(wave, "formative"), {"format": "pdf"})
    assert response.status_code == 200 and not downloads().exists()
    text = response.content.decode()
    assert "There is a problem" in text and "run the comparison first" in text
    assert "<title>Error: " in text


def test_change_since_an_earlier_wave_goes_into_the_file(
    client, django_capture_on_commit_callbacks
):
    wave = seeded_wave().wave
    earlier = WaveFactory(partnership=wave.partnership, name="Baseline")
    earlier.created_at = wave.created_at - datetime.timedelta(days=365)
    earlier.save(update_fields=["created_at"])
    add_run(earlier, {("O-0", "importance"): (4.0, 3.0)})
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(url(wave, "summative", earlier.slug)).content.decode()
    assert f'name="compare" value="{earlier.slug}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(wave, "summative", earlier.slug), {"format": "csv", "compare": earlier.slug}
        )
    job = downloads().get()
    assert job.parameters["compare_with"] == earlier.slug
    assert job.status == Job.Status.SUCCEEDED, job.error
    next_url = parse_qs(urlparse(response["Location"]).query)["next"][0]
    assert next_url == url(wave, "summative", earlier.slug)
    # the earlier wave's page offers no later wave to compare with
    page = client.get(url(earlier, "summative")).content.decode()
    assert f'value="{wave.slug}"' not in page


def test_a_bad_format_or_wave_is_refused_on_the_page(client):
    wave = seeded_wave().wave
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    response = client.post(url(wave, "formative"), {"format": "exe"})
    assert response.status_code == 200
    assert "Choose one of the file formats offered." in response.content.decode()
    response = client.post(url(wave, "formative"), {"format": "pdf", "compare": "nowhere"})
    assert "Change can only be shown since an earlier wave" in response.content.decode()
    assert not downloads().exists()


def test_only_members_who_may_read_reports_start_a_download(client):
    wave = seeded_wave().wave
    client.post(url(wave, "formative"), {"format": "pdf"})  # not signed in
    client.force_login(member(WaveFactory().partnership, Role.ADMINISTRATOR))
    assert client.post(url(wave, "formative"), {"format": "pdf"}).status_code == 404
    client.logout()
    response = client.post(url(wave, "formative"), {"format": "pdf"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not downloads().exists()
