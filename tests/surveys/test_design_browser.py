"""An evaluator designs the staff questionnaire and opens the wave, in real Chromium, with axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from poet.library import load_library
from poet.models import OutcomeStatement, Role, Wave
from surveys.models import Item
from surveys.selectors.questionnaire_versions import latest_questionnaire
from tests.factories import PASSWORD, WaveFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()


def test_evaluator_creates_edits_reorders_and_opens(page):
    load_library(OutcomeStatement)  # transactional tests flush the migration's data
    wave = WaveFactory(partnership__name="Alpha partnership", name="Baseline 2026")
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Create the staff questionnaire").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Create the staff questionnaire"
    assert page.get_by_label(
        "I can stay living in my own home for as long as I want to. (O-HOME)"
    ).is_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Create the questionnaire").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Staff questionnaire"
    assert "Version 1 of the staff questionnaire is ready" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Change question P-TRUST-1").click()
    assert "P-TRUST-1" in page.content()
    assert_accessible(page)
    page.get_by_label("Question or statement").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.get_by_role("alert").inner_text().startswith("There is a problem")
    assert_accessible(page)
    page.get_by_label("Question or statement").fill("I trust the people I work with.")
    page.get_by_role("button", name="Save").click()
    assert "Question P-TRUST-1 is saved." in page.content()

    page.get_by_role("button", name="Move down question P-PURPOSE-1").click()
    assert "Question P-PURPOSE-1 is moved down." in page.content()
    questionnaire = latest_questionnaire(wave)
    first = questionnaire.sections.order_by("order").first()
    assert [i.code for i in first.items.order_by("order")][:2] == ["P-PURPOSE-2", "P-PURPOSE-1"]
    assert Item.objects.get(code="P-TRUST-1").text == "I trust the people I work with."

    page.get_by_role("link", name="Open the wave").click()
    assert_accessible(page)
    page.get_by_role("button", name="Open the wave").click()
    assert "The wave is open" in page.content()
    assert "Frozen" in page.content()
    assert_accessible(page)
    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN
    assert latest_questionnaire(wave).is_frozen


def test_other_design_pages_are_accessible_on_a_phone(page):
    load_library(OutcomeStatement)
    wave = WaveFactory(partnership__name="Beta partnership", name="Twelve months")
    member(wave.partnership, Role.EVALUATOR, user__username="eva")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("eva")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Create the staff questionnaire").click()
    page.get_by_role("button", name="Create the questionnaire").click()
    overview = page.url
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.get_by_role("link", name="Add a question", exact=True).click()
    page.get_by_label("1. Why we work together").check()
    page.get_by_label("Code").fill("EXTRA-1")
    page.get_by_label("Question or statement").fill("How many years have you worked here?")
    page.get_by_role("radio", name="Number").check()
    page.get_by_label("Smallest number allowed", exact=False).fill("lots")
    page.get_by_role("button", name="Add question").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.get_by_label("Question or statement").input_value().startswith("How many")
    assert_accessible(page)
    page.get_by_label("Smallest number allowed", exact=False).fill("0")
    page.get_by_role("button", name="Add question").click()
    assert "Question EXTRA-1 is added." in page.content(), page.locator(".govuk-error-summary")

    page.get_by_role("link", name="Change outcomes").click()
    assert_accessible(page)
    page.get_by_label("I feel safe, at home and when I go out. (O-SAFE)").check()
    page.get_by_role("button", name="Save").click()
    assert "The outcomes are saved." in page.content()

    page.get_by_role("link", name="Change closing date").click()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2000")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert "today or in the future" in page.content()
    assert_accessible(page)

    page.goto(overview)
    page.get_by_role("link", name="Remove question EXTRA-1").click()
    assert_accessible(page)
    page.get_by_role("button", name="Remove the question").click()
    assert "Question EXTRA-1 is removed." in page.content()
