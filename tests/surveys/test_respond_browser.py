"""A member of staff answers the survey in real Chromium: from the e-mailed link to thank you,
with save and resume, a validation error, axe on every page, JavaScript off, and a 320 px phone.

Screenshots of each step are kept in test-artifacts/screenshots/ for review.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from poet.models import Role, Wave
from surveys.models import Answer, Draft, Invitation, InvitationToken, OpenLink, Response
from surveys.services.opening import open_wave
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    OutcomeStatementFactory,
    StaffGroupFactory,
    WaveFactory,
    member,
)
from tests.surveys.test_answering_support import build_questionnaire, link_for, open_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def assert_accessible(page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()


def snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check(page, name: str, *, axe: bool = True) -> None:
    snap(page, name)
    if axe:
        assert_accessible(page)


def staff_survey():
    """An open wave with the real staff template (or a realistic one) and one invitation."""
    wave = WaveFactory(partnership__name="Riverside partnership", name="Baseline 2026")
    organisation = OrganisationFactory(partnership=wave.partnership, name="Riverside NHS Trust")
    OrganisationFactory(partnership=wave.partnership, name="City Council")
    group = StaffGroupFactory(partnership=wave.partnership, name="Social worker")
    StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    p = wave.partnership
    outcomes = [
        OutcomeStatementFactory(
            partnership=p, code="O-HOME", text="I can stay living in my own home"
        ),
        OutcomeStatementFactory(
            partnership=p, code="O-STORY", text="I only have to tell my story once"
        ),
        OutcomeStatementFactory(
            partnership=p, code="O-CARER", text="My carer gets the support they need"
        ),
        OutcomeStatementFactory(partnership=p, code="O-SAFE", text="I feel safe"),
    ]
    try:
        from surveys.services.design import create_staff_questionnaire
    except ImportError:
        build_questionnaire(wave, frozen=False)
    else:
        create_staff_questionnaire(wave, outcomes)
    open_wave(wave)
    wave.refresh_from_db()
    invitation = Invitation.objects.create(
        wave=wave, organisation=organisation, staff_group=group, email="sam@example.org"
    )
    return wave, invitation, emailed_link(wave, invitation)


def emailed_link(wave: Wave, invitation: Invitation) -> str:
    """The path of the link in the invitation e-mail (or one made here without the sender)."""
    try:
        from surveys.services.invitations import send_invitations
    except ImportError:
        return f"/s/{link_for(invitation)}/"
    send_invitations(wave)
    message = next(m for m in mail.outbox if "sam@example.org" in m.to)
    match = re.search(r"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", message.body)
    assert match, message.body
    return match.group(1)


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def section_numbers(page) -> tuple[int, int]:
    text = page.locator("#section-progress").inner_text()
    number, count = re.match(r"(?:Section|Page) (\d+) of (\d+)", text).groups()
    return int(number), int(count)


def click_label(page, input_id: str) -> None:
    page.locator(f'label[for="{input_id}"]').click()


def answer_section(page, *, skip: set[str] = frozenset()) -> None:
    """Answer every question on the page the way a person would, leaving out `skip` codes."""
    radios = page.locator("input[type=radio]")
    seen: list[str] = []
    for i in range(radios.count()):
        name = radios.nth(i).get_attribute("name")
        if name not in seen:
            seen.append(name)
    for n, name in enumerate(seen):
        if name in skip:
            continue
        group = page.locator(f'input[type=radio][name="{name}"]')
        wanted = group.locator('xpath=self::*[@value="dk"]') if n % 5 == 4 else None
        if wanted is None or wanted.count() == 0:
            wanted = page.locator(f'input[type=radio][name="{name}"][value="4"]')
        if wanted.count() == 0:
            wanted = group.first
        click_label(page, wanted.first.get_attribute("id"))
    boxes = page.locator("input[type=checkbox]")
    names = {boxes.nth(i).get_attribute("name") for i in range(boxes.count())}
    for name in names - set(skip):
        group = page.locator(f'input[type=checkbox][name="{name}"]')
        for i in range(min(2, group.count())):
            click_label(page, group.nth(i).get_attribute("id"))
    selects = page.locator("select")
    for i in range(selects.count()):
        select = selects.nth(i)
        name = select.get_attribute("name")
        if name.split("__")[0] not in skip:
            select.select_option(str(int(name.rsplit("__", 1)[1]) + 1))
    for field in page.locator("input[inputmode=decimal]").all():
        if field.get_attribute("name") not in skip:
            field.fill("5")
    for field in page.locator("textarea").all():
        if field.get_attribute("name") not in skip:
            field.fill("More help at home, sooner.")


def continue_(page) -> None:
    page.get_by_role("button", name=re.compile(r"^(Continue|Next)")).click()  # easy read: Next


def answer_to_the_end(page, name: str, *, axe: bool = True, widths: list | None = None) -> None:
    """From a section page, answer each remaining section, then check and send the answers."""
    while page.locator("#section-progress").count():
        number, _ = section_numbers(page)
        check(page, f"{name}-section-{number}", axe=axe)
        if widths is not None:
            widths.append(scroll_width(page))
        answer_section(page)
        continue_(page)
    assert heading(page) in ("Check your answers before sending them", "Check your answers")
    check(page, f"{name}-review", axe=axe)
    if widths is not None:
        widths.append(scroll_width(page))
    page.get_by_role("button", name=re.compile("^Send (your|my) answers$")).click()
    assert heading(page) == "Thank you"
    check(page, f"{name}-thank-you", axe=axe)


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def assert_anonymous(response: Response) -> None:
    forbidden = {Invitation, InvitationToken, Draft, OpenLink}
    for model in (Response, Answer):
        for field in model._meta.get_fields():
            assert field.related_model not in forbidden, (model, field.name)
    fields = set(Response.objects.filter(pk=response.pk).values().get())
    assert fields <= {
        "id",
        "wave_id",
        "questionnaire_id",
        "audience",
        "organisation_id",
        "staff_group_id",
        "user_group_id",
        "submitted_on",
        # how it came (never which link, session or time): surveys/services/headcounts.py
        "via_open_link",
        "awaiting_confirmation",
        "language",  # the language it was answered in (issue 17): shown only as suppressed counts
    }


def test_a_member_of_staff_answers_from_the_emailed_link(page, browser, live_server):
    wave, invitation, link = staff_survey()

    page.goto(link)
    assert page.url == live_server.url + "/s/"  # the token does not stay in the address
    assert heading(page) == wave.questionnaires.get().title
    check(page, "js-01-start")
    page.get_by_role("button", name="Start now").click()
    number, count = section_numbers(page)
    assert (number, count) == (1, count) and count >= 3
    check(page, "js-02-section-1")
    answer_section(page)
    continue_(page)
    assert section_numbers(page)[0] == 2
    answer_section(page)
    continue_(page)

    # Part of section 3, then leave.
    assert section_numbers(page)[0] == 3
    first_question = page.locator("input[type=radio]").first.get_attribute("name")
    click_label(page, page.locator("input[type=radio]").first.get_attribute("id"))
    page.get_by_role("button", name="Save and come back later").click()
    assert heading(page) == "Your answers are saved"
    check(page, "js-03-saved")
    page.context.close()

    # Come back later with the same link, in a new browser session.
    later = browser.new_context(base_url=live_server.url)
    page = later.new_page()
    page.goto(link)
    assert "Welcome back" in page.content()
    check(page, "js-04-welcome-back")
    page.get_by_role("button", name="Continue").click()
    assert section_numbers(page)[0] == 3  # where they left off
    assert page.locator(f'input[type=radio][name="{first_question}"]:checked').count() == 1

    # A required question left blank: the error summary is shown, focused, and links to it.
    answer_section(page, skip={first_question})
    page.locator(f'input[type=radio][name="{first_question}"]').first.evaluate(
        "el => { for (const r of document.getElementsByName(el.name)) r.checked = false; }"
    )
    continue_(page)
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.evaluate("el => el.contains(document.activeElement)")
    check(page, "js-05-error")
    answered_elsewhere = page.locator("input[type=radio]:checked").count()
    assert answered_elsewhere > 0  # the other answers stay on the page
    link_to_field = summary.get_by_role("link").first
    target = link_to_field.get_attribute("href").lstrip("#")
    link_to_field.click()
    assert page.evaluate("document.activeElement.id") == target
    answer_section(page)
    continue_(page)
    answer_to_the_end(page, "js-06")

    response = Response.objects.get()
    assert response.organisation == invitation.organisation
    assert response.staff_group == invitation.staff_group
    assert response.wave == wave
    assert response.answers.count() > 10
    assert_anonymous(response)
    assert not Draft.objects.exists()

    # The used link, and a link that never existed, get clear pages.
    page.goto(link)
    assert heading(page) == "You have already answered this survey"
    check(page, "js-07-used-link")
    page.goto("/s/not-a-real-link/")
    assert heading(page) == "This link does not work"
    check(page, "js-08-unknown-link")
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    page.goto(f"/s/{link_for(invitation)}/")
    check(page, "js-09-closed")
    later.close()


def test_the_survey_works_with_javascript_off(browser, live_server):
    wave, invitation, link = staff_survey()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(link)
    check(page, "nojs-01-start", axe=False)
    page.get_by_role("button", name="Start now").click()
    continue_(page)  # nothing answered: errors, no JavaScript needed
    expect(page).to_have_title(re.compile(r"^Error: "))
    check(page, "nojs-02-error", axe=False)
    answer_section(page)
    continue_(page)
    answer_to_the_end(page, "nojs-03", axe=False)
    response = Response.objects.get()
    assert (response.organisation, response.staff_group) == (
        invitation.organisation,
        invitation.staff_group,
    )
    context.close()


def test_the_open_link_on_a_320_px_phone_never_scrolls_sideways(browser, live_server):
    wave, invitation, _ = staff_survey()
    token = open_link(wave)
    context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=live_server.url)
    page = context.new_page()
    widths = []
    page.goto(f"/s/open/{token}/")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    widths.append(scroll_width(page))
    check(page, "phone-01-about-you-error")
    page.get_by_label("City Council").check()
    page.get_by_label("Nurse").check()
    check(page, "phone-02-about-you")
    page.get_by_role("button", name="Continue").click()
    widths.append(scroll_width(page))
    check(page, "phone-03-start")
    page.get_by_role("button", name="Start now").click()
    answer_section(page)
    page.get_by_role("button", name="Save and come back later").click()
    widths.append(scroll_width(page))
    check(page, "phone-04-saved-with-link")
    resume = page.locator(".poet-resume-link a").get_attribute("href")
    assert "/s/resume/" in resume
    page.goto(resume)
    page.get_by_role("button", name="Continue").click()
    answer_to_the_end(page, "phone-05", widths=widths)
    widths.append(scroll_width(page))
    assert max(widths) <= 320, widths
    response = Response.objects.get()
    assert (response.organisation.name, response.staff_group.name) == ("City Council", "Nurse")
    context.close()


def test_an_evaluator_previews_the_pages_staff_will_see(page):
    wave, _, _ = staff_survey()
    evaluator = member(wave.partnership, Role.EVALUATOR, user__username="eve")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(evaluator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/preview/")
    assert "Preview: answers are not saved" in page.content()
    check(page, "preview-01-start")
    page.get_by_role("button", name="Start now").click()
    continue_(page)
    expect(page).to_have_title(re.compile(r"^Error: "))
    check(page, "preview-02-error")
    answer_section(page)
    continue_(page)
    assert section_numbers(page)[0] == 2
    assert "Save and come back later" not in page.content()
    check(page, "preview-03-section-2")
    assert not Draft.objects.exists() and not Response.objects.exists()
