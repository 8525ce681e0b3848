"""Issue 16, item 6 in real Chromium: a manager opens the summative report and sees the joint
display - the outcome's figures, the sentence on numbers and words, the picked quote as a block
quote, the blind spots - with no serious accessibility violation."""

from __future__ import annotations

import pytest

from poet.models import Role
from tests.factories import member
from tests.reports.test_joint_display import QUOTED, joint  # noqa: F401 (the fixture)
from tests.reports.test_report_pages_browser import check_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_sees_the_joint_display(page, joint):  # noqa: F811
    wave = joint.wave
    member(wave.partnership, Role.MANAGER, user__username="mia")
    sign_in(page, "mia")
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/summative/")
    page.get_by_role("link", name="Numbers and words: the joint display").click()
    section = page.locator("section", has=page.locator("#joint-display"))
    assert section.locator("blockquote").first.inner_text().strip() == QUOTED
    assert section.locator("table caption", has_text="Joint display").count() >= 1
    assert section.get_by_text("O-0 “I can do thing 0”:").count() == 1
    assert section.locator("table caption", has_text="Possible blind spots").count() == 1
    check_accessible(page)
