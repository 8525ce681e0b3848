"""Issue 17, item 1: an evaluator switches the interface to Cymraeg with the header's switch and
works through the survey pages in Chromium: each page in Welsh (`<html lang="cy">`), titled by its
Welsh heading, with one <h1>, and clean under axe (WCAG 2.2 A and AA), form errors included."""

import re

import pytest
from playwright.sync_api import expect

from poet.library import load_library
from poet.models import OutcomeStatement, Role
from surveys.services.design import create_staff_questionnaire
from surveys.services.translations import set_languages
from tests.accessibility.support import WCAG_AA, axe_violations, describe
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    StaffGroupFactory,
    WaveFactory,
    member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, heading: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page).to_have_title(re.compile(re.escape(heading)))
    violations = axe_violations(page, tags=WCAG_AA)
    assert not violations, describe(violations)


def test_an_evaluator_works_through_the_survey_pages_in_welsh(page):
    load_library(OutcomeStatement)  # transactional tests flush the migration's data
    wave = WaveFactory(name="Baseline 2026", slug="baseline")
    OrganisationFactory(partnership=wave.partnership, name="Trust")
    StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    outcomes = OutcomeStatement.objects.filter(partnership=None, code__in=["O-HOME", "O-STORY"])
    create_staff_questionnaire(wave, list(outcomes))
    set_languages(wave, ["ur"])
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Newid yr iaith i’r Gymraeg").click()
    base = f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/"

    page.goto(base + "design/")
    check(page, "Holiadur staff")
    page.get_by_role("link", name="Ychwanegu adran").first.click()
    check(page, "Ychwanegu adran")
    page.get_by_role("button", name="Ychwanegu adran").click()
    expect(page).to_have_title(re.compile(r"^Gwall: "))
    expect(page.get_by_role("alert")).to_contain_text("Rhowch deitl.")
    check(page, "Ychwanegu adran")

    page.goto(base + "invitations/")
    check(page, "Gwahoddiadau")
    page.goto(base + "responses/")
    check(page, "Cyfraddau ymateb")
    page.goto(base + "languages/")
    check(page, "Ieithoedd a chyfieithiadau")
    expect(page.get_by_text("Beth sydd ar goll yn Wrdw")).to_be_visible()
    page.goto(base + "headcounts/")
    check(page, "Cyfrif pennau’r staff")
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/context/leads/")
    check(page, "Arweinwyr partner")
