"""The wave page section, the results page and the CSV download."""

import pytest

from poet.models import Job, Role
from reports.models import ComparisonRun
from tests.factories import member, sign_in_with_code
from tests.reports.builders import build_wave

pytestmark = pytest.mark.django_db


def urls(wave):
    base = f"/p/{wave.partnership.slug}/waves/{wave.slug}/"
    return (
        base,
        base + "comparisons/",
        base + "comparisons/run/",
        base + "comparisons/comparison.csv",
    )


def test_an_evaluator_runs_a_comparison_from_the_wave_page(
    client, django_capture_on_commit_callbacks
):
    built = build_wave(outcomes=2, staff=12, users=8, carers=2, k=5)
    wave = built.wave
    wave_url, results_url, run_url, _ = urls(wave)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = client.get(results_url).content.decode()
    assert f'action="{run_url}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(run_url)
    job = Job.objects.get(kind="comparison")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/p/{wave.partnership.slug}/jobs/{job.pk}/?next=")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    job_page = client.get(response["Location"]).content.decode()
    assert "Done" in job_page and results_url in job_page

    page = client.get(wave_url).content.decode()
    assert "Latest results" in page and "12 staff and 10 service users and carers" in page
    results = client.get(results_url).content.decode()
    assert results.count("<h1") == 1
    assert "Staff compared with service users and carers" in results
    run = ComparisonRun.objects.get()
    assert run.rows.filter(breakdown="all").count() == 4
    assert "I can do thing 0" in results
    assert client.get(run_url).status_code == 302  # a GET never starts anything
    assert Job.objects.count() == 1


def test_suppressed_rows_show_as_fewer_than_k(client):
    built = build_wave(outcomes=1, staff=12, users=3, k=5)
    wave = built.wave
    from poet.services import create_job
    from poet.tasks import run_job
    from reports.services.comparison import JOB_KIND, comparison_parameters

    job = create_job(
        JOB_KIND,
        partnership=wave.partnership,
        wave=wave,
        **comparison_parameters(wave, resamples=20),
    )
    run_job(job.pk)
    client.force_login(member(wave.partnership, Role.MANAGER))
    results = client.get(urls(wave)[1]).content.decode()
    # importance and achievement, each saying why
    assert results.count('data-hidden="true">hidden: fewer than 5 people</td>') == 2
    assert "What is hidden, and why" in results
    assert results.count("Figures about fewer than 5 people are hidden") == 1


def test_managers_read_and_download_but_cannot_run(client):
    built = build_wave(outcomes=1)
    wave = built.wave
    wave_url, results_url, run_url, csv_url = urls(wave)
    client.force_login(member(wave.partnership, Role.MANAGER))
    assert "Run comparison" not in client.get(wave_url).content.decode()
    assert client.post(run_url).status_code == 403
    assert client.get(results_url).status_code == 200
    assert client.get(csv_url).status_code == 302  # nothing to download yet

    from django.core.management import call_command

    call_command("run_comparison", wave.partnership.slug, wave.slug, "--resamples", "20")
    download = client.get(csv_url)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert download.content.decode().startswith("outcome,measure,breakdown,group,n_staff,")
    assert wave.partnership.audit_events.filter(action="comparison.downloaded").exists()


def test_a_failed_run_says_why_and_offers_a_retry(client, django_capture_on_commit_callbacks):
    wave = build_wave(staff=0, users=6).wave
    wave_url, results_url, run_url, _ = urls(wave)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(run_url)
    for url in (wave_url, results_url):
        page = client.get(url).content.decode()
        assert "The last comparison did not work" in page
        assert "no answers from staff yet" in page
    assert "Try the comparison again" in page  # on the results page the wave page links to
    assert f'href="{results_url}"' in client.get(wave_url).content.decode()


def test_people_outside_the_partnership_get_404(client):
    wave = build_wave(outcomes=1).wave
    other = build_wave(outcomes=1).wave
    client.force_login(member(other.partnership, Role.ADMINISTRATOR))
    for url in urls(wave)[1:]:
        assert client.get(url).status_code == 404
    assert client.post(urls(wave)[2]).status_code == 404


def test_runs_are_listed_read_only_in_the_admin(client, django_user_model):
    wave = build_wave(outcomes=1).wave
    from django.core.management import call_command

    call_command("run_comparison", wave.partnership.slug, wave.slug, "--resamples", "20")
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    sign_in_with_code(client, admin)
    run = ComparisonRun.objects.get()
    assert client.get("/admin/reports/comparisonrun/").status_code == 200
    assert client.get(f"/admin/reports/comparisonrun/{run.pk}/change/").status_code == 200
    assert client.get("/admin/reports/comparisonrun/add/").status_code == 403
