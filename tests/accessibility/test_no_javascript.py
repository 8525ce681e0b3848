"""Both questionnaires answered with JavaScript off on a 320 px phone, never scrolling sideways.

Already covered elsewhere, so not repeated here: the staff questionnaire answered with JavaScript
off on a desktop (tests/surveys/test_respond_browser.py, which also answers the open link at
320 px with JavaScript on), and the easy-read switch without JavaScript
(tests/outcomes/test_follow_up_browser.py, which answers the follow-up at 320 px with JavaScript on
but does not measure the width). Here both are answered to the thank-you page with neither
JavaScript nor room: from the link, through an error, to the end, checking
`document.documentElement.scrollWidth <= 320` on every page.

Screenshots: test-artifacts/accessibility/nojs-320-*.png.
"""

import re

import pytest
from playwright.sync_api import expect

from outcomes.models import ParticipantResponse
from surveys.models import Response
from tests.accessibility.support import PHONE, follow_up_link, scroll_width, snap, staff_survey
from tests.surveys.test_respond_browser import answer_section, continue_

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Phone:
    """A browser with JavaScript off on a 320 px screen; every page it shows is measured."""

    def __init__(self, browser, live_server, name: str):
        self.context = browser.new_context(
            base_url=live_server.url, java_script_enabled=False, viewport=PHONE
        )
        self.page = self.context.new_page()
        self.name = name
        self.seen = 0

    def look(self) -> None:
        """Measure and photograph the page now shown."""
        page = self.page
        self.seen += 1
        snap(page, "accessibility", f"nojs-320-{self.name}-{self.seen:02d}")
        assert page.evaluate("document.body.classList.contains('js-enabled')") is False
        width = scroll_width(page)
        assert width <= PHONE["width"], f"{page.url} ({page.title()}) is {width} px wide"

    def sections(self, mistake=None) -> None:
        """Answer every section to the review page.

        `mistake(page)` answers a section with a mistake and says True, or says False where it
        cannot; the first section with a mistake is sent, shows its errors, and is put right.
        """
        page = self.page
        while page.locator("#section-progress").count():
            self.look()
            if mistake is None or not mistake(page):
                answer_section(page)
            else:
                mistake = None
                continue_(page)
                expect(page).to_have_title(re.compile(r"^Error: "))
                summary = page.locator(".govuk-error-summary")
                expect(summary).to_be_visible()
                target = summary.get_by_role("link").first.get_attribute("href")
                assert page.locator(target).count() == 1, target
                self.look()
                answer_section(page)
            continue_(page)
        assert mistake is None, "the mistake was made on some section"
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile("^Check your answers( before sending them)?$")
        )
        self.look()
        page.get_by_role("button", name=re.compile("^Send (your|my) answers$")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
        self.look()
        self.context.close()


def leave_a_required_question(page) -> bool:
    """Answer all but the first question (every staff process question is required)."""
    answer_section(page, skip={page.locator("input[type=radio]").first.get_attribute("name")})
    return True


def tick_too_many(page) -> bool:
    """Answer, then tick every box of "which 3 matter most" (four of them), where it is asked."""
    boxes = page.locator("input[type=checkbox]")
    if boxes.count() <= 3:
        return False
    answer_section(page)  # ticks the first two
    for i in range(boxes.count()):
        if not boxes.nth(i).is_checked():
            page.locator(f'label[for="{boxes.nth(i).get_attribute("id")}"]').click()
    return True


def test_staff_questionnaire_from_the_invitation_without_javascript_at_320_px(browser, live_server):
    wave, invitation, link = staff_survey()
    phone = Phone(browser, live_server, "staff")
    phone.page.goto(link)
    phone.look()
    phone.page.get_by_role("button", name="Start now").click()
    phone.sections(mistake=leave_a_required_question)
    response = Response.objects.get()
    assert (response.organisation, response.staff_group) == (
        invitation.organisation,
        invitation.staff_group,
    )


def test_easy_read_follow_up_without_javascript_at_320_px(browser, live_server):
    phone = Phone(browser, live_server, "easy-read")
    phone.page.goto(follow_up_link())
    phone.look()
    phone.page.get_by_role("button", name=re.compile("^Easy read")).click()
    expect(phone.page.get_by_role("button", name=re.compile("^Standard wording"))).to_be_visible()
    phone.look()
    phone.page.get_by_role("button", name="Start", exact=True).click()  # easy read
    expect(phone.page.get_by_text("Is this important to you?").first).to_be_visible()
    phone.sections(mistake=tick_too_many)
    own = ParticipantResponse.objects.get()
    assert own.easy_read is True
    answers = {a.item.code: a for a in own.response.answers.all()}
    # Put right by answering the page again, which unticks the first two of the four.
    assert len(answers["TOP3"].choices) == 2 and answers["PROPOSED_OUTCOMES"].text
