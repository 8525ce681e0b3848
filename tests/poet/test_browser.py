"""Sign in and find one's partnership in real Chromium, with no accessibility violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from poet.models import Role
from tests.factories import PASSWORD, WaveFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()


def test_an_evaluator_signs_in_and_opens_a_wave(page):
    wave = WaveFactory(partnership__name="Alpha partnership", name="Baseline 2026", status="open")
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    page.goto("/")
    expect(page).to_have_title("Sign in – POET")
    assert_accessible(page)
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("There is a problem")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Alpha partnership").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alpha partnership"
    assert_accessible(page)
    page.get_by_role("link", name="Baseline 2026").click()
    assert_accessible(page)
    page.get_by_role("link", name="Watch the responses").click()
    page.get_by_role("button", name="Recount responses").click()
    page.get_by_role("link", name="Back").click()
    assert "fewer than 10" in page.content()
    assert_accessible(page)
