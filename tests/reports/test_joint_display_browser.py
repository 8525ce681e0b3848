"""Issue 16, item 6 in real Chromium: a manager opens the summative report and sees the joint
display - the outcome's figures, the sentence on numbers and words, the picked quote as a block
quote, the blind spots - with no serious accessibility violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

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


def no_serious_violation(page) -> None:
    results = Axe().run(page)
    serious = [
        v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, results.generate_report()


def test_an_evaluator_unpicks_and_picks_a_quote_and_is_refused_one_below_k(page, joint):  # noqa: F811
    wave = joint.wave
    sign_in(page, joint.evaluator.username)
    base = f"/p/{wave.partnership.slug}/waves/{wave.slug}/follow-up/coding/passage/"
    page.goto(f"{base}?coding={joint.passage.pk}")
    no_serious_violation(page)
    page.get_by_role("button", name="Unpick this quote").click()
    assert page.get_by_text("The quote is taken out of the report for Thing 0.").count() == 1
    page.get_by_role("button", name="Pick as a quote").click()
    assert page.get_by_text("The passage is picked as a quote for Thing 0.").count() == 1
    no_serious_violation(page)
    theme = joint.passage.theme.parent
    page.goto(
        f"/p/{wave.partnership.slug}/waves/{wave.slug}/follow-up/codebook/theme/?theme={theme.pk}"
    )
    assert page.locator("[data-picked-quote] blockquote").inner_text().strip() == QUOTED
    no_serious_violation(page)
    page.goto(f"{base}?coding={joint.carer_passage.pk}")
    page.get_by_role("button", name="Pick as a quote").click()
    assert page.get_by_text("This passage cannot be quoted: fewer than 5 people").count() == 1
    no_serious_violation(page)
