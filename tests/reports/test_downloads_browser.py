"""A manager makes the summative PDF in real Chromium, watches it progress and downloads it."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from poet.models import Role
from tests.factories import PASSWORD, member
from tests.reports.reporting import SAFE, pdf_text, seeded_wave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()


def test_a_manager_downloads_the_summative_pdf(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    wave = seeded_wave().wave
    member(wave.partnership, Role.MANAGER, user__username="mona")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/downloads/")
    assert page.get_by_role("heading", level=1).inner_text() == "Downloads"
    assert_accessible(page)

    page.get_by_label("Summative report").check()
    page.get_by_label("PDF document").check()
    page.get_by_role("button", name="Make the file").click()
    assert "/jobs/" in page.url
    page.get_by_role("heading", name="Done").wait_for(timeout=60_000)
    assert "100%" in page.locator("[data-job-status]").inner_text()
    page.get_by_role("link", name="Back").click()

    with page.expect_download() as info:
        page.get_by_role("link", name="Download").first.click()
    path = tmp_path / "downloaded.pdf"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith("-summative.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    assert SAFE in pdf_text(path)

    page.set_viewport_size({"width": 320, "height": 640})
    assert_accessible(page)
