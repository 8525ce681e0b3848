"""In real Chromium: the summative report opens with its key findings, a finding's link lands
on its table, and a term beside a table opens the glossary at that term (issue 15, items 6, 9).
Screenshots: test-artifacts/reports/."""

from __future__ import annotations

import pytest

from poet.models import Role
from tests.accessibility.support import ARTIFACTS, WCAG_AA, axe_violations, describe
from tests.factories import member
from tests.reports.test_key_findings import stored_run
from tests.reports.test_report_content import seeded
from tests.reports.test_report_pages_browser import check_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS / "reports"


def test_key_findings_lead_to_their_tables_and_terms_to_the_glossary(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    built = seeded(run=False)
    wave = built.wave
    stored_run(
        wave,
        [
            ("O-0", "importance", 4.6, 3.1, 0.001, "assumed_not_valued", False),
            ("O-1", "importance", 2.9, 4.4, 0.01, "blind_spot", False),
            ("O-1", "achievement", 3.5, 4.3, 0.4, "", False),
        ],
    )
    member(wave.partnership, Role.MANAGER, user__username="mia")
    sign_in(page, "mia")
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/summative/")
    sections = page.locator("main section h2")
    assert sections.first.inner_text() == "Key findings"
    findings = page.locator("#table-key_findings tbody tr")
    assert findings.count() == 3
    assert "O-0" in findings.first.inner_text()
    page.screenshot(path=str(SHOTS / "summative-key-findings.png"), full_page=True)
    check_accessible(page)

    findings.first.get_by_role("link").click()
    assert page.url.endswith("#table-importance_comparison")
    assert page.locator("#table-importance_comparison").is_visible()

    caption = page.locator("#table-importance_comparison-caption")
    caption.get_by_role("link", name="Cliff's delta").click()
    assert page.url.endswith("/glossary/#term-cliffs-delta")
    assert page.get_by_role("heading", level=1).inner_text() == "Glossary"
    assert page.locator("#term-cliffs-delta").is_visible()
    page.screenshot(path=str(SHOTS / "glossary-at-term.png"))
    violations = axe_violations(page, WCAG_AA)
    assert not violations, describe(violations)
