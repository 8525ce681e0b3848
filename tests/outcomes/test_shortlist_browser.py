"""In real Chromium: an evaluator chooses outcomes and adopts a proposal; the pages pass axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from outcomes.models import ChosenOutcome, OutcomeProposal
from poet.models import OutcomeStatement, Role
from tests.factories import PASSWORD, member
from tests.outcomes.test_shortlist_seed import seed_wave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()


def test_an_evaluator_chooses_outcomes_and_adopts_a_proposal(page):
    seeded = seed_wave(k=5)
    wave = seeded.wave
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Choose the follow-up outcomes").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Outcome shortlist"
    # No figures before the staff results are computed; the page offers to compute them.
    assert "once the staff survey is closed and its results have been computed" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Compute the staff figures").click()
    page.get_by_role("link", name="Back").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Outcome shortlist"
    assert "hidden: fewer than 5 people" in page.content()
    assert "Staff figures computed" in page.content()
    assert_accessible(page)

    # A ticked outcome without a reason: an error, linked to its field, the rest kept.
    agree = seeded.outcomes["O-AGREE"]
    few = seeded.outcomes["O-FEW"]
    page.get_by_label("Choose O-AGREE for the follow-up").check()
    page.get_by_label("Choose O-FEW for the follow-up").check()  # not suggested: no reason yet
    page.get_by_label("Note on O-AGREE (optional)").fill("All staff agree")
    page.get_by_role("button", name="Choose the ticked outcomes").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    page.get_by_role("link", name="Choose why O-FEW is in.").click()
    assert page.get_by_label("Choose O-AGREE for the follow-up").is_checked()
    assert page.get_by_label("Note on O-AGREE (optional)").input_value() == "All staff agree"
    page.locator(f"#reason-{few.pk}-4").check()  # other reason
    page.get_by_role("button", name="Choose the ticked outcomes").click()
    assert "Chosen for the follow-up: O-AGREE, O-FEW." in page.content()
    chosen = {c.outcome_id: c for c in ChosenOutcome.objects.all()}
    assert chosen[agree.pk].reason == "most_endorsed" and chosen[agree.pk].note == "All staff agree"
    assert chosen[few.pk].reason == "other"

    # Proposals: collect, then adopt one with its own code.
    page.get_by_role("button", name="Collect proposals").click()
    assert "3 new proposals added." in page.content()
    page.get_by_role("link", name="Adopt proposal 1").click()
    assert_accessible(page)
    page.get_by_label("Code").fill("O-AGREE")
    page.get_by_role("button", name="Adopt as a new outcome").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert "already used" in page.content()
    assert_accessible(page)
    page.get_by_label("Code").fill("O-SHOPS")
    page.get_by_role("button", name="Adopt as a new outcome").click()
    assert "O-SHOPS is adopted" in page.content()
    statement = OutcomeStatement.objects.get(code="O-SHOPS", partnership=wave.partnership)
    assert OutcomeProposal.objects.get(outcome=statement).status == "adopted"

    # The adopted outcome is suggested, and can be chosen as proposed.
    page.get_by_label("Choose O-SHOPS for the follow-up").check()
    assert page.locator(f"#reason-{statement.pk}-3").is_checked()
    page.get_by_role("button", name="Choose the ticked outcomes").click()
    assert ChosenOutcome.objects.get(outcome=statement).reason == "proposed"
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page)
