"""Both questionnaires answered with the keyboard alone, in real Chromium.

Only key presses: Tab to move, Space and the arrow keys for radios and checkboxes, typing for text,
Enter to follow a link or press a button. At every step the focused element is on screen, shows
the focus indicator and comes after the one before it (document order, top to bottom). One
section is sent with a required answer missing: focus goes to the error summary, its link leads
to the question, and the question's error message is tied to it by aria-describedby.

Screenshots: test-artifacts/accessibility/.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from outcomes.models import ParticipantResponse
from poet.models import Role
from surveys.models import Response
from tests.accessibility.keyboard import Keyboard
from tests.accessibility.support import (
    WCAG_AA,
    axe_violations,
    describe,
    follow_up_link,
    snap,
    staff_survey,
)
from tests.factories import WaveFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLDER = "accessibility"


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def press_enter_and_wait(kb: Keyboard) -> None:
    """Enter on the focused link or button, and wait for the next page."""
    with kb.page.expect_navigation():
        kb.page.keyboard.press("Enter")
    kb.page.wait_for_load_state("load")
    kb.new_page()


def is_continue(now: dict) -> bool:
    return now["tag"] == "button" and now["text"].startswith(("Continue", "Next"))


def answer_by_keyboard(
    kb: Keyboard, *, leave_first: bool = False, tick_all: bool = False, stop=is_continue
) -> str:
    """Tab through the page answering each unanswered question, up to the Continue button.

    Radios: Space chooses the focused option, then the down arrow moves to the next and chooses
    it. Checkboxes: Space ticks the first two (every one with `tick_all`). Text: typed. With
    `leave_first`, the first question with radios is passed over unanswered. Returns the name of
    the question left unanswered or ticked too often, for the error that follows.
    """
    wrong = ""
    while True:
        now = kb.press("Tab")
        if now is None:
            continue
        if stop(now):
            return wrong
        if now["type"] == "radio" and not now["answered"]:
            if leave_first and not wrong:
                wrong = now["name"]
                continue
            kb.press("Space")
            kb.press("ArrowDown")
        elif now["type"] == "checkbox" and not now["checked"]:
            if tick_all:
                wrong = now["name"]
                kb.press("Space")
            elif now["positionInGroup"] < 2:
                kb.press("Space")
        elif now["tag"] == "textarea" and not now["value"]:
            kb.page.keyboard.type("Getting out to the shops")
        elif now["tag"] == "input" and now["type"] == "text" and not now["value"]:
            kb.page.keyboard.type("5")


def the_error_summary_leads_to_the_question(kb: Keyboard, wrong: str, name: str) -> None:
    """After a section sent with `wrong` answered wrongly: focus, summary link, field, description.

    Then Space on the question (chooses the radio, or unticks one box too many).
    """
    page = kb.page
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    assert summary.locator("[role=alert]").count() == 1
    page.wait_for_function(
        "document.querySelector('.govuk-error-summary').contains(document.activeElement)"
    )
    snap(page, FOLDER, f"{name}-error-summary-focused")
    violations = axe_violations(page, WCAG_AA)
    assert not violations, describe(violations)
    link = kb.press("Tab")
    assert link["tag"] == "a" and link["href"].startswith("#"), link
    assert summary.evaluate("el => el.contains(document.activeElement)"), "Tab: into the summary"
    target = link["href"][1:]
    field = page.locator(f"#{target}")
    assert field.count() == 1, f"the summary links to #{target}, which is not on the page"
    assert field.get_attribute("name") == wrong, "the summary's link is the question in error"
    kb.page.keyboard.press("Enter")
    page.wait_for_function(f"document.activeElement.id === {target!r}")
    now = kb.focused()
    kb.new_page()
    error_ids = [i for i in now["describedBy"].split() if i.endswith("-error")]
    assert error_ids, f"#{target} has no error message in aria-describedby: {now['describedBy']!r}"
    message = page.locator(f"#{error_ids[0]}")
    assert message.is_visible() and "govuk-error-message" in message.get_attribute("class")
    assert message.inner_text().startswith("Error:")
    snap(page, FOLDER, f"{name}-error-field-focused")
    # Put it right where focus now is, and carry on.
    kb.press("Space")


def answer_the_questionnaire(kb: Keyboard, name: str, mistake: dict) -> None:
    """From a questionnaire's start page to the thank-you page, by keyboard.

    In the first section where `answer_by_keyboard(**mistake)` makes a mistake, the section is
    sent, the error is followed from the summary, put right, and the section sent again.
    """
    page = kb.page
    kb.tab_to(lambda f: f["text"].startswith("Start") or f["text"] in ("Continue", "Carry on"))
    press_enter_and_wait(kb)
    number = 0
    while page.locator("#section-progress").count():
        number += 1
        snap(page, FOLDER, f"{name}-section-{number}")
        if mistake:
            wrong = answer_by_keyboard(kb, **mistake)
            if wrong:
                mistake = {}
                press_enter_and_wait(kb)
                the_error_summary_leads_to_the_question(kb, wrong, name)
                answer_by_keyboard(kb)
        else:
            answer_by_keyboard(kb)
        press_enter_and_wait(kb)
    assert not mistake, "a section had the question to answer wrongly"
    assert heading(page) in ("Check your answers before sending them", "Check your answers")
    snap(page, FOLDER, f"{name}-review")
    kb.tab_to(lambda f: f["text"] in ("Send your answers", "Send my answers"))
    press_enter_and_wait(kb)
    assert heading(page) == "Thank you"
    snap(page, FOLDER, f"{name}-thank-you")
    assert not kb.problems, "\n".join(kb.problems)
    focused = [s.focused for s in kb.steps]
    assert len(focused) > 30, "the keyboard went through the pages"


def test_staff_questionnaire_by_keyboard_alone(page):
    wave, invitation, link = staff_survey()
    kb = Keyboard(page)
    page.goto(link)
    assert heading(page) == wave.questionnaires.get().title
    snap(page, FOLDER, "staff-start")
    first = kb.press("Tab")
    assert first["text"] == "Skip to main content", "the first Tab stop is the skip link"
    page.keyboard.press("Enter")  # skip the header: the next Tab is in the page's content
    page.wait_for_function("document.activeElement.id === 'main-content'")
    kb.new_page()
    after_skip = kb.press("Tab")
    assert after_skip["text"].startswith("Start now"), "past the header, to the page's button"
    answer_the_questionnaire(kb, "staff", {"leave_first": True})  # a required answer missing
    response = Response.objects.get()
    assert (response.organisation, response.staff_group) == (
        invitation.organisation,
        invitation.staff_group,
    )
    assert response.answers.count() > 10


def test_easy_read_follow_up_by_keyboard_alone(page):
    link = follow_up_link()
    kb = Keyboard(page)
    page.goto(link)
    kb.tab_to(lambda f: f["text"].startswith("Easy read"))
    press_enter_and_wait(kb)
    expect(page.get_by_role("button", name=re.compile("^Standard wording"))).to_be_visible()
    snap(page, FOLDER, "easy-read-start")
    # Every answer is optional: the mistake is a fourth tick where "up to 3" are allowed.
    answer_the_questionnaire(kb, "easy-read", {"tick_all": True})
    own = ParticipantResponse.objects.get()
    assert own.easy_read is True
    answers = {a.item.code: a for a in own.response.answers.all()}
    assert len(answers["TOP3"].choices) == 3


def test_account_links_and_sign_out_by_keyboard(browser, live_server):
    """Signed in: the header's links and its sign-out button show focus; Enter signs out."""
    user = member(WaveFactory().partnership, Role.MANAGER, user__username="kim")
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/")
    kb = Keyboard(page)
    stops = [kb.press("Tab")["text"].split("\n")[0] for _ in range(6)]
    assert stops == [
        "Skip to main content",
        "POET",
        "Your partnerships",
        "Two-factor authentication",
        "API tokens",
        "Sign out",
    ], stops
    snap(page, FOLDER, "account-sign-out-focused")
    assert not kb.problems, "\n".join(kb.problems)
    press_enter_and_wait(kb)
    expect(page).to_have_title(re.compile("^Sign in"))
    page.set_viewport_size({"width": 320, "height": 640})
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    snap(page, FOLDER, "account-320")
    context.close()
