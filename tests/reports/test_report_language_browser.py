"""A manager reads the downloads page in Welsh in real Chromium, makes the summative report in
Welsh and downloads it (issue 17, items 1 and 5); axe clean in Welsh."""

import pytest

from poet.models import Role
from tests.factories import PASSWORD, member
from tests.reports.reporting import seeded_wave
from tests.reports.test_downloads_browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_makes_the_summative_report_in_welsh(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    wave = seeded_wave().wave
    member(wave.partnership, Role.MANAGER, user__username="mona")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/downloads/")
    assert page.get_by_label("English").is_checked()
    page.get_by_role("link", name="Newid yr iaith i’r Gymraeg").click()  # the header's switch

    assert page.get_by_role("heading", level=1).inner_text() == "Lawrlwythiadau"
    assert page.get_by_label("Cymraeg").is_checked()  # the person's language first
    assert_accessible(page)
    page.get_by_label("Adroddiad crynodol").check()
    page.locator('input[name="format"][value="html"]').check()
    page.get_by_role("button", name="Gwneud y ffeil").click()
    assert "/jobs/" in page.url
    page.get_by_text("gwneud yr adroddiad crynodol (HTML)").wait_for()
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/downloads/")
    row = page.locator("tbody tr").first
    row.get_by_role("link", name="Lawrlwytho").wait_for(timeout=60_000)
    assert row.locator("[data-language]").inner_text() == "Cymraeg"
    assert_accessible(page)
    with page.expect_download() as info:
        row.get_by_role("link", name="Lawrlwytho").click()
    assert info.value.suggested_filename.endswith("-summative-cy.html")
