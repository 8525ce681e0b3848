"""The comparison through the API: the same rows and hidden figures as the comparison CSV, a run
started and followed by its job, and the names a partnership uses."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from poet.models import Job, Organisation, Role
from poet.spreadsheet import restore
from reports.exporters.csv import EXPORT_COLUMNS, TEXT_COLUMNS
from tests.api.test_api import assert_problem, bearer, token_for
from tests.factories import (
    OrganisationFactory,
    StaffGroupFactory,
    UserGroupFactory,
    WaveFactory,
    member,
)
from tests.reports.builders import build_wave

pytestmark = pytest.mark.django_db


def api(wave, tail: str) -> str:
    return f"/api/v1/partnerships/{wave.partnership.slug}/waves/{wave.slug}/{tail}"


def every_page(client, url: str, raw: str, limit: int = 10) -> list[dict]:
    items: list[dict] = []
    while True:
        body = client.get(f"{url}?limit={limit}&offset={len(items)}", **bearer(raw)).json()
        items += body["items"]
        if len(items) >= body["count"]:
            assert len(items) == body["count"]
            return items


@pytest.fixture
def compared():
    """A run with a hidden group (2 carers < k = 5) and names a spreadsheet would run."""
    built = build_wave(outcomes=2, staff=14, users=8, carers=2, k=5)
    Organisation.objects.filter(pk=built.organisations[0].pk).update(name="=HYPERLINK(1)")
    wave = built.wave
    call_command("run_comparison", wave.partnership.slug, wave.slug, "--resamples", "50")
    return wave


def test_the_rows_are_the_comparison_csv_of_the_same_run(client, compared):
    wave = compared
    manager = member(wave.partnership, Role.MANAGER)
    rows = every_page(client, api(wave, "comparison/rows/"), token_for(manager), limit=7)

    client.force_login(manager)
    page = reverse(
        "reports:comparison_csv", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    csv_rows = list(csv.DictReader(io.StringIO(client.get(page).content.decode())))
    assert len(rows) == len(csv_rows) > 0
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    hidden = 0
    for row, line in zip(rows, csv_rows, strict=True):
        for column in EXPORT_COLUMNS:
            value, text = row[column], line[column]
            if column == "suppressed":
                assert value is (text == "true")
            elif value is None:
                assert text == "", (column, line)
            elif column in TEXT_COLUMNS:
                assert value == restore(text) and text in (value, f"'{value}")
            else:
                assert value == (int(text) if isinstance(value, int) else float(text)), column
        if row["suppressed"]:
            hidden += 1
            assert row["n_staff"] is None and row["mean_diff"] is None and row["flag"] is None
    assert hidden and any(r["group"] == "carer" and r["suppressed"] for r in rows)
    assert any(r["group"] == "=HYPERLINK(1)" for r in rows)  # JSON keeps the name as it is


def test_the_run_says_what_it_counted_and_its_job(client, compared):
    wave = compared
    raw = token_for(member(wave.partnership, Role.MANAGER))
    body = client.get(api(wave, "comparison/"), **bearer(raw)).json()
    assert body["minimum_group_size"] == 5 and body["resamples"] == 50
    assert body["staff"] == 14 and body["users_and_carers"] == 10
    assert body["rows"] == client.get(api(wave, "comparison/rows/"), **bearer(raw)).json()["count"]
    assert body["latest_job"]["status"] == "succeeded"


def test_before_any_run_it_says_to_start_one(client):
    wave = WaveFactory()
    raw = token_for(member(wave.partnership, Role.MANAGER))
    for tail in ("comparison/", "comparison/rows/"):
        body = assert_problem(client.get(api(wave, tail), **bearer(raw)), 404)
        assert "No comparison has been run for this wave yet" in body["detail"]


def test_an_evaluator_starts_a_run_and_follows_its_job(client, django_capture_on_commit_callbacks):
    wave = build_wave(outcomes=1, staff=12, users=6, k=5).wave
    raw = token_for(member(wave.partnership, Role.EVALUATOR))
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(api(wave, "comparison/run/"), **bearer(raw))
    assert started.status_code == 202
    job = started.json()
    assert job["kind"] == "comparison" and job["url"].endswith(f"/jobs/{job['id']}/")
    polled = client.get(job["url"], **bearer(raw)).json()
    assert polled["status"] == "succeeded" and polled["progress"] == 100 and polled["finished"]
    assert client.get(api(wave, "comparison/"), **bearer(raw)).status_code == 200


def test_a_manager_may_read_but_not_start_a_run(client, compared):
    raw = token_for(member(compared.partnership, Role.MANAGER))
    body = assert_problem(client.post(api(compared, "comparison/run/"), **bearer(raw)), 403)
    assert "role" in body["detail"]
    assert not Job.objects.filter(kind="comparison", created_by__isnull=False).exists()


def test_a_failed_jobs_reason_and_problems_are_in_its_poll(client):
    wave = WaveFactory()
    job = Job.objects.create(
        partnership=wave.partnership,
        wave=wave,
        kind="answers.import",
        status=Job.Status.FAILED,
        error="The file has 2 problems: nothing was stored.",
        result={"problems": ["Line 2: unknown item X", "Line 3: no value"]},
    )
    raw = token_for(member(wave.partnership, Role.MANAGER))
    url = f"/api/v1/partnerships/{wave.partnership.slug}/jobs/{job.pk}/"
    body = client.get(url, **bearer(raw)).json()
    assert body["error"].startswith("The file has 2 problems")
    assert body["problems"] == ["Line 2: unknown item X", "Line 3: no value"]
    other = WaveFactory()
    foreign = f"/api/v1/partnerships/{other.partnership.slug}/jobs/{job.pk}/"
    raw_other = token_for(member(other.partnership, Role.ADMINISTRATOR))
    assert_problem(client.get(foreign, **bearer(raw_other)), 404)  # not that partnership's job


def test_organisations_and_groups_of_a_partnership_in_pages(client):
    wave = WaveFactory()
    p = wave.partnership
    for name in ("Trust", "Council", "Charity"):
        OrganisationFactory(partnership=p, name=name, kind=Organisation.Kind.NHS)
    StaffGroupFactory(partnership=p, name="Nurse")
    UserGroupFactory(partnership=p, name="Older people")
    OrganisationFactory(partnership=WaveFactory().partnership, name="Elsewhere")
    raw = token_for(member(p, Role.MANAGER))
    base = f"/api/v1/partnerships/{p.slug}"
    first = client.get(f"{base}/organisations/?limit=2", **bearer(raw)).json()
    assert first["count"] == 3
    assert [o["name"] for o in first["items"]] == ["Charity", "Council"]
    assert first["items"][0]["kind_label"] == "NHS"
    rest = client.get(f"{base}/organisations/?limit=2&offset=2", **bearer(raw)).json()
    assert [o["name"] for o in rest["items"]] == ["Trust"]
    staff = client.get(f"{base}/staff-groups/", **bearer(raw)).json()
    assert "Nurse" in [g["name"] for g in staff["items"]]
    users = client.get(f"{base}/user-groups/", **bearer(raw)).json()
    assert [g["name"] for g in users["items"]] == ["Older people"]


def test_a_job_number_too_large_for_the_database_is_a_422_not_an_error(client):
    wave = WaveFactory()
    raw = token_for(member(wave.partnership, Role.MANAGER))
    url = f"/api/v1/partnerships/{wave.partnership.slug}/jobs/{2**63}/"
    assert_problem(client.get(url, **bearer(raw)), 422)


def test_a_nul_in_a_path_is_404_not_an_error(client):
    wave = WaveFactory()
    raw = token_for(member(wave.partnership, Role.EVALUATOR))
    p = wave.partnership.slug
    for url in (
        "/api/v1/partnerships/a%00b/",
        f"/api/v1/partnerships/{p}/waves/a%00/comparison/rows/",
    ):
        assert_problem(client.get(url, **bearer(raw)), 404)
    assert_problem(client.post(f"/api/v1/partnerships/{p}/waves/a%00/open/", **bearer(raw)), 404)


def test_an_offset_or_limit_beyond_64_bits_reads_an_empty_page(client):
    wave = WaveFactory()
    OrganisationFactory(partnership=wave.partnership, name="Trust")
    raw = token_for(member(wave.partnership, Role.MANAGER))
    base = f"/api/v1/partnerships/{wave.partnership.slug}/organisations/"
    far = client.get(f"{base}?offset={2**80}", **bearer(raw))
    assert far.status_code == 200 and far.json() == {"items": [], "count": 1}
    everything = client.get(f"{base}?limit={2**80}", **bearer(raw)).json()
    assert [o["name"] for o in everything["items"]] == ["Trust"]
