"""A manager downloads the formative report as an Excel workbook from the report page itself, in
real Chromium: the button starts the job, the job page offers the file, Back returns to the
report (issue 15, item 8)."""

from __future__ import annotations

import pytest

from poet.models import Role
from tests.factories import member
from tests.reports.reporting import seeded_wave
from tests.reports.test_report_pages_browser import check_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_downloads_a_report_from_its_page(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    wave = seeded_wave().wave
    member(wave.partnership, Role.MANAGER, user__username="mona")
    sign_in(page, "mona")
    report_url = f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/formative/"
    page.goto(report_url)
    check_accessible(page)
    page.get_by_role("button", name="Download Excel workbook (XLSX)").click()
    assert "/jobs/" in page.url
    page.get_by_role("heading", name="Done").wait_for(timeout=60_000)
    with page.expect_download() as info:
        page.locator("[data-result]").click()
    assert info.value.suggested_filename.endswith("-formative.xlsx")
    path = tmp_path / "report.xlsx"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"PK")
    page.get_by_role("link", name="Back").click()
    assert page.url.endswith(report_url)
    assert page.get_by_role("heading", level=1).inner_text() == "Formative report"
