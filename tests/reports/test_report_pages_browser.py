"""A manager opens both reports in real Chromium: charts draw, tables are there, no serious
accessibility violations; with JavaScript off (on a 320 px phone) the tables carry the figures."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from poet.models import Role
from tests.factories import PASSWORD, member
from tests.reports.test_report_content import seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def check_accessible(page) -> None:
    """No serious or critical violation anywhere; no WCAG A/AA violation in the data tables."""
    results = Axe().run(page)
    serious = [
        v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, results.generate_report()
    tables = Axe().run(
        page,
        context={"include": [[".poet-report-table"]]},
        options={"runOnly": {"type": "tag", "values": WCAG_AA}},
    )
    assert tables.violations_count == 0, tables.generate_report()


def test_a_manager_opens_both_reports_and_the_charts_draw(page):
    built = seeded()
    wave = built.wave
    member(wave.partnership, Role.MANAGER, user__username="mia")
    sign_in(page, "mia")
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/")
    page.get_by_role("link", name="Formative report", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Formative report"
    page.wait_for_selector(".js-plotly-plot", timeout=15000)
    assert page.locator(".js-plotly-plot").count() == page.locator("[data-chart]").count()
    assert page.locator("table caption", has_text="Mean score by aspect and organisation").count()
    check_accessible(page)
    page.get_by_role("link", name="Summative report of this wave").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Summative report"
    page.wait_for_selector(".js-plotly-plot", timeout=15000)
    assert page.locator("#chart-importance_dumbbell .js-plotly-plot").count() == 1
    assert page.locator("table caption", has_text="Importance: all staff").count() == 1
    check_accessible(page)


def test_without_javascript_on_a_phone_the_tables_are_there(browser, live_server):
    built = seeded()
    wave = built.wave
    member(wave.partnership, Role.MANAGER, user__username="mo")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    try:
        sign_in(page, "mo")
        for kind, caption in (
            ("formative", "Aspects of working together: all staff"),
            ("summative", "Achievement: all staff"),
        ):
            page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/{kind}/")
            assert page.locator("table caption", has_text=caption).count() == 1
            assert page.locator(".js-plotly-plot").count() == 0
            assert page.locator("table").count() >= 4
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{kind} scrolls sideways at 320 px ({width})"
    finally:
        context.close()
