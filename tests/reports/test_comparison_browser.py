"""An evaluator runs a comparison from the wave page and reads it, in real Chromium, with axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from poet.models import Role
from tests.factories import PASSWORD, member
from tests.reports.builders import build_wave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()


def test_an_evaluator_runs_a_comparison_and_reads_it(page):
    built = build_wave(outcomes=2, staff=12, users=8, carers=2, k=5)
    wave = built.wave
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(wave.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Compare staff with service users and carers").click()
    page.get_by_role("button", name="Run comparison").click()
    page.get_by_role("heading", name="Done").wait_for(timeout=30_000)
    page.get_by_role("link", name="Back").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Staff compared with service users and carers"
    )
    comparison = page.get_by_role("table", name="All staff and all service users and carers")
    assert comparison.get_by_role("row").count() == 1 + 4
    assert page.get_by_role("heading", name="What is hidden, and why").is_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_accessible(page)
