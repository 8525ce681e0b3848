"""Issue 4 acceptance in real Chromium: from a staff wave to the follow-up's first answers.

An evaluator creates the follow-up schedule with chosen outcomes, registers participants with
consent, enters one interview, and a carer completes the easy-read questionnaire by their own
link; every answer is in the database, and axe finds no WCAG 2.2 A/AA problem on the pages the
carer sees (also at 320 px, with JavaScript off). Screenshots go to test-artifacts/screenshots/.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from outcomes.models import FollowUpSchedule, Participant, ParticipantResponse
from poet.library import load_library
from poet.models import Audience, OutcomeStatement, Role
from surveys.models import Answer, Questionnaire, Response
from surveys.services.answering import store_response
from surveys.services.design import create_staff_questionnaire
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    StaffGroupFactory,
    UserGroupFactory,
    WaveFactory,
    member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def check(page, name: str) -> None:
    """A screenshot for review, and no WCAG 2.2 A/AA violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"follow-up-{name}.png"), full_page=True)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def seeded_staff_wave():
    """A staff wave on the real template with O-HOME and O-SAFE, and three staff responses."""
    load_library(OutcomeStatement)  # transactional tests flush the migration's data
    wave = WaveFactory(partnership__name="Riverside partnership", name="Baseline 2026")
    p = wave.partnership
    council = OrganisationFactory(partnership=p, name="City Council")
    nurses = StaffGroupFactory(partnership=p, name="Nurse")
    UserGroupFactory(partnership=p, name="Older people")
    UserGroupFactory(partnership=p, name="People with dementia")
    home = OutcomeStatement.objects.get(partnership=None, code="O-HOME")
    safe = OutcomeStatement.objects.get(partnership=None, code="O-SAFE")
    staff = create_staff_questionnaire(wave, [home, safe])
    for value in (5, 4, 2):
        store_response(
            staff,
            {"O-HOME.importance": value, "O-SAFE.importance": 3, "O-HOME.achievement": 3},
            audience=Audience.STAFF,
            organisation_id=council.pk,
            staff_group_id=nurses.pk,
        )
    return wave, home


def register(page, *, audience: str, group: str, method: str) -> str:
    from django.utils import timezone

    today = timezone.localdate()
    page.get_by_label(audience, exact=True).check()
    page.get_by_label(group, exact=True).check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label(method, exact=True).check()
    page.get_by_role("button", name="Register participant").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    return heading.removeprefix("Participant ").strip()


def test_schedule_participants_an_interview_and_a_carer_answering_easy_read_by_link(
    page, browser, live_server
):
    wave, home = seeded_staff_wave()
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    sign_in(page, "eve")

    # The schedule, with a chosen outcome and an interview session, opened.
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Plan sessions and register participants").click()
    page.get_by_role("button", name="Create the follow-up schedule").click()
    page.get_by_role("link", name="Change methods").click()
    page.get_by_label("Self-completion questionnaire").check()
    page.get_by_label("Interview").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add an outcome").click()
    page.get_by_label(f"{home.text} (O-HOME)").check()
    page.get_by_label("Most endorsed by staff").check()
    page.get_by_role("button", name="Add the outcome").click()
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Interview").check()
    page.get_by_label("Facilitator (optional)").fill("Sam Jones")
    page.get_by_label("Service users planned").fill("4")
    page.get_by_label("Carers planned").fill("2")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Open the follow-up").click()
    page.get_by_role("button", name="Open the follow-up").click()
    schedule = FollowUpSchedule.objects.get(wave=wave)
    assert schedule.status == FollowUpSchedule.Status.OPEN

    # Participants, with consent; no names anywhere.
    participants_url = f"{wave.get_absolute_url()}follow-up/participants/"
    page.goto(participants_url)
    assert "Do not enter names" in page.content()
    check(page, "participants")
    page.get_by_role("button", name="Register participant").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check(page, "participants-error")
    interviewee = register(page, audience="Service user", group="Older people", method="Written")
    assert interviewee == "P-001"
    check(page, "participant")

    # One interview, entered by the evaluator: a mistake first, then saved with its session.
    page.get_by_role("link", name="Enter answers").click()
    check(page, "assisted-entry")
    page.get_by_label("Session (optional)").select_option(index=1)
    page.get_by_label("What matters to you that we have not asked about?").fill(
        "Getting to the shops"
    )
    page.locator("#q-O-HOME-importance-5").check()
    page.locator("#q-O-HOME-achievement-3").check()
    page.get_by_label(home.text, exact=True).check()
    page.get_by_role("button", name="Save answers").click()
    assert "The answers of P-001 are saved." in page.content()
    assert "Entered by an evaluator in Interview" in page.content()

    # A carer, registered with verbal consent, gets a link to answer by themselves.
    page.goto(participants_url)
    carer = register(page, audience="Carer", group="People with dementia", method="Verbal")
    assert carer == "P-002"
    page.get_by_role("button", name="Make a link to answer by themselves").click()
    link = page.locator(".poet-participant-link").inner_text().strip()
    assert "/s/p/" in link
    check(page, "participant-link")

    carer_url = link.replace("http://127.0.0.1:8000", live_server.url)

    # The easy-read switch works without JavaScript.
    no_js = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = no_js.new_page()
    plain.goto(carer_url)
    plain.get_by_role("button", name=re.compile("^Easy read")).click()
    assert plain.get_by_role("button", name=re.compile("^Standard wording")).is_visible()
    plain.get_by_role("button", name="Start", exact=True).click()  # easy read
    assert "Is this important to you?" in plain.content()
    no_js.close()

    # The carer, on a 320 px phone, in their own browser, switches back and forth.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    carer_page = context.new_page()
    carer_page.goto(carer_url)
    assert "/s/p/" not in carer_page.url, "the token leaves the address bar"
    carer_page.get_by_role("button", name=re.compile("^Standard wording")).click()
    check(carer_page, "carer-start")
    carer_page.get_by_role("button", name=re.compile("^Easy read")).click()
    assert carer_page.get_by_role("button", name=re.compile("^Standard wording")).is_visible()
    check(carer_page, "carer-start-easy-read")
    carer_page.get_by_role("button", name="Start", exact=True).click()  # easy read
    assert "Is this important to you?" in carer_page.content()
    assert "The most important" in carer_page.content()
    check(carer_page, "carer-section-easy-read")
    carer_page.get_by_label("Very important", exact=True).check()
    carer_page.get_by_label("A lot", exact=True).check()
    carer_page.get_by_role("button", name="Next", exact=True).click()
    assert "Which 3 things are most important to you?" in carer_page.content()
    check(carer_page, "carer-last-section-easy-read")
    carer_page.get_by_label("Is there something else that is important to you?").fill(
        "A break for me"
    )
    carer_page.get_by_role("button", name="Next: check your answers").click()
    check(carer_page, "carer-review-easy-read")
    carer_page.get_by_role("button", name="Send my answers").click()
    assert carer_page.get_by_role("heading", level=1).inner_text() == "Thank you"
    check(carer_page, "carer-thanks")
    context.close()

    # Everything is stored: the interview and the carer's answers, each linked to its person.
    questionnaire = Questionnaire.objects.get(wave=wave, audience=Questionnaire.For.FOLLOW_UP)
    interview = ParticipantResponse.objects.get(participant__code="P-001")
    assert interview.capture == ParticipantResponse.Capture.ASSISTED
    assert interview.session == schedule.sessions.get()
    assert interview.response.audience == Audience.SERVICE_USER
    assert interview.response.user_group.name == "Older people"
    assert interview.response.questionnaire == questionnaire
    interview_answers = {a.item.code: a for a in Answer.objects.filter(response=interview.response)}
    assert interview_answers["O-HOME.importance"].number == 5
    assert interview_answers["O-HOME.achievement"].number == 3
    assert interview_answers["TOP3"].choices == ["O-HOME"]
    assert interview_answers["PROPOSED_OUTCOMES"].text == "Getting to the shops"

    own = ParticipantResponse.objects.get(participant__code="P-002")
    assert own.capture == ParticipantResponse.Capture.SELF
    assert own.easy_read is True
    assert own.response.audience == Audience.CARER
    assert own.response.user_group.name == "People with dementia"
    carer_answers = {a.item.code: a for a in Answer.objects.filter(response=own.response)}
    assert carer_answers["O-HOME.importance"].number == 4
    assert carer_answers["O-HOME.achievement"].number == 4
    assert carer_answers["PROPOSED_OUTCOMES"].text == "A break for me"

    assert Response.objects.filter(wave=wave, audience=Audience.STAFF).count() == 3
    assert Participant.objects.filter(schedule=schedule).count() == 2
