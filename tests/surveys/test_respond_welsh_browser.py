"""Issue 17 acceptance: a member of staff answers the whole survey in Welsh in Chromium, from
their invitation link to the thank-you page: they choose Cymraeg on the start page, and every
page after is `<html lang="cy">`, in the questionnaire's Welsh (the demo's translations) and the
product's own Welsh words, with none of the English words of that page left, and clean under axe
(WCAG 2.2 A and AA). Their answers are stored by item, like anyone's.

Screenshots for the README: docs/screenshots/staff-survey-welsh-start.png and
staff-survey-welsh-question.png; every page also in test-artifacts/accessibility/.
"""

import re

import pytest
from playwright.sync_api import expect

from poet.library import load_library
from poet.models import OutcomeStatement, Wave
from surveys.demo import DEMO_CONTACT, DEMO_OUTCOMES, add_demo_languages
from surveys.models import Answer, Invitation, Item, Response
from surveys.services.answering import sections_of
from surveys.services.design import create_staff_questionnaire, update_texts
from surveys.services.opening import open_wave
from tests.accessibility.support import (
    WCAG_AA,
    axe_violations,
    describe,
    readme_screenshot,
    snap,
)
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory
from tests.surveys.test_answering_support import link_for
from tests.surveys.test_respond_browser import answer_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 800, "height": 900}

# Each page's English words (of the product) that must be gone, and the Welsh that replaces them.
START = (
    ["Start now", "Why we are asking", "Your privacy", "The survey has", "with the same link"],
    ["Dechrau nawr", "Eich preifatrwydd", "Mae gan yr arolwg", "gyda’r un ddolen"],
)
SECTION = (
    [
        "Section ",
        "Continue",
        "Back",
        "Save and come back later",
        "Strongly agree",
        "Not important",
        "Not at all",
        "Don't know",
        "(optional)",
        "Select up to",
        "You can enter up to",
        "characters remaining",  # the character count's live message, written by GOV.UK's script
        "Give 1 to the one",
        "Not ranked",
        "This survey is run by",
        "Questions about it?",
    ],
    ["Adran ", "Parhau", "Yn ôl", "Cadw a dod yn ôl yn nes ymlaen"],
)
REVIEW = (
    ["Check your answers", "Change", "your answer to", "Now send your answers", "Send your"],
    ["Gwiriwch eich atebion cyn eu hanfon", "Newid", "eich ateb i:", "Anfon eich atebion"],
)
THANKS = (
    ["Thank you", "Your answers have been sent", "without your name", "You can close"],
    ["Diolch", "Mae eich atebion wedi’u hanfon", "Gallwch gau’r dudalen hon."],
)


def welsh_staff_survey() -> tuple[Wave, Invitation, str]:
    """An open wave on the real staff template with the demo's outcomes and texts, offering
    Welsh (and Urdu) with every text translated, and one invitation."""
    load_library(OutcomeStatement)  # transactional tests flush the migration's data
    wave = WaveFactory(partnership__name="Riverside partnership", name="Baseline 2026")
    organisation = OrganisationFactory(partnership=wave.partnership, name="City Council")
    group = StaffGroupFactory(partnership=wave.partnership, name="Social worker")
    library = {o.code: o for o in OutcomeStatement.objects.filter(partnership=None)}
    questionnaire = create_staff_questionnaire(wave, [library[c] for c in DEMO_OUTCOMES])
    update_texts(
        wave,
        title=questionnaire.title,
        introduction=questionnaire.introduction,
        privacy_notice=questionnaire.privacy_notice,
        contact=DEMO_CONTACT,
    )
    add_demo_languages(wave)
    open_wave(wave)
    wave.refresh_from_db()
    invitation = Invitation.objects.create(
        wave=wave, organisation=organisation, staff_group=group, email="sam@example.org"
    )
    return wave, invitation, f"/s/{link_for(invitation)}/"


def test_a_member_of_staff_answers_the_whole_survey_in_welsh(browser, live_server):
    wave, invitation, link = welsh_staff_survey()
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
    page = context.new_page()
    seen = 0

    def look(words: tuple[list[str], list[str]], screenshot: str = "") -> None:
        nonlocal seen
        seen += 1
        snap(page, "accessibility", f"welsh-{seen:02d}")
        if screenshot:
            readme_screenshot(page, f"staff-survey-welsh-{screenshot}")
        assert page.locator("html").get_attribute("lang") == "cy", page.url
        main = page.locator("main").text_content()
        english, welsh = words
        left = [w for w in english if w in main or w in page.title()]
        assert not left, f"{page.url} still says {left}"
        missing = [w for w in welsh if w not in main]
        assert not missing, f"{page.url} lacks {missing}"
        violations = axe_violations(page, WCAG_AA)
        assert not violations, f"{page.url}:\n{describe(violations)}"

    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "en-GB"
    expect(page.get_by_role("button", name=re.compile("^Start now"))).to_be_visible()
    page.locator("[data-languages]").get_by_role("link", name="Cymraeg").click()
    look(START, "start")
    # The questionnaire's own words in Welsh too (the demo's translations).
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cydweithio er lles y bobl a wasanaethwn"
    )
    expect(page.locator("[data-languages] [aria-current]")).to_have_text("Cymraeg")
    page.get_by_role("button", name=re.compile("^Dechrau nawr")).click()

    sections = counted = 0
    while page.locator("#section-progress").count():
        sections += 1
        expect(page.locator("#section-progress")).to_have_text(
            re.compile(rf"^Adran {sections} o \d+$")
        )
        look(SECTION, "question" if sections == 1 else "")
        if page.locator("textarea").count():  # the character count speaks Welsh too
            counted += 1
            expect(page.locator(".govuk-character-count__status").first).to_have_text(
                re.compile(r"^Mae gennych \d+ nod ar ôl$")
            )
        answer_section(page)
        page.get_by_role("button", name=re.compile("^Parhau")).click()
    assert sections == len(sections_of(wave.questionnaires.get()))
    assert counted  # the staff survey asks for words somewhere

    expect(page.get_by_role("heading", level=1)).to_have_text("Gwiriwch eich atebion cyn eu hanfon")
    look(REVIEW)
    page.get_by_role("button", name="Anfon eich atebion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diolch")
    look(THANKS)
    context.close()

    # Stored by item, whatever the language: every question answered has its row, with the
    # values a person who answered in English the same way would have (4 on the scales).
    response = Response.objects.get()
    assert response.language == "cy"
    assert (response.organisation, response.staff_group) == (
        invitation.organisation,
        invitation.staff_group,
    )
    answers = Answer.objects.filter(response=response).select_related("item")
    likert = [a for a in answers if a.item.kind == Item.Kind.LIKERT]
    assert len(likert) > 10
    assert all(a.number == 4 or a.dont_know for a in likert)
    assert {a.item.section.questionnaire_id for a in answers} == {response.questionnaire_id}
