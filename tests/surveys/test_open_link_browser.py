"""The open link's guard in real Chromium: an administrator records headcounts on the grid (with a
mistake first), an evaluator makes the link with its limit, and confirms the responses that came
beyond a group's headcount; no WCAG 2.2 A/AA violation, and the grid fits a 320 px phone.

Screenshots: test-artifacts/screenshots/open-link-*.png.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from outcomes.selectors.responses import counted_responses
from poet.models import Role, Wave
from surveys.models import OpenLink, Response, StaffHeadcount
from tests.factories import PASSWORD, OrganisationFactory, StaffGroupFactory, WaveFactory, member
from tests.surveys.test_answering_support import build_questionnaire
from tests.surveys.test_open_link_padding import by_open_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 320, "height": 640}


def check(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"open-link-{name}.png"), full_page=True)
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, results.generate_report()


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def test_headcounts_are_recorded_and_responses_beyond_them_confirmed(browser, live_server):
    wave = WaveFactory(
        partnership__name="Riverside partnership", name="Baseline 2026", status=Wave.Status.OPEN
    )
    build_questionnaire(wave)
    council = OrganisationFactory(partnership=wave.partnership, name="City Council")
    OrganisationFactory(partnership=wave.partnership, name="Riverside NHS Trust")
    nurse = StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    StaffGroupFactory(partnership=wave.partnership, name="Social worker")
    member(wave.partnership, Role.ADMINISTRATOR, user__username="ada")
    member(wave.partnership, Role.EVALUATOR, user__username="eve")

    # The administrator records headcounts on the grid, from the wave page.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "ada")
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Staff headcounts").click()
    assert heading(page) == "Staff headcounts"
    check(page, "headcounts")
    cell = page.get_by_label("Headcount of Nurse at City Council")
    cell.fill("one")
    page.get_by_label("Headcount of Social worker at Riverside NHS Trust").fill("14")
    page.get_by_role("button", name="Save headcounts").click()
    expect(page).to_have_title(re.compile(r"^Error: Staff headcounts"))
    summary = page.get_by_role("alert")
    message = "Enter the headcount of Nurse at City Council as a whole number, such as 12"
    assert message in summary.inner_text()
    check(page, "headcounts-error")
    summary.get_by_role("link", name=message).click()
    expect(cell).to_be_focused()
    expect(page.get_by_label("Headcount of Social worker at Riverside NHS Trust")).to_have_value(
        "14"
    )
    cell.fill("1")
    page.get_by_role("button", name="Save headcounts").click()
    expect(page.get_by_text("Headcounts saved (2 groups).")).to_be_visible()
    expect(cell).to_have_value("1")
    assert {
        (h.organisation.name, h.staff_group.name, h.count) for h in StaffHeadcount.objects.all()
    } == {
        ("City Council", "Nurse", 1),
        ("Riverside NHS Trust", "Social worker", 14),
    }
    page.set_viewport_size(PHONE)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the grid scrolls inside its region, not the page"
    context.close()

    # The evaluator makes the open link with the most responses it takes.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "eve")
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Invite staff").click()
    page.get_by_role("link", name="Make an open link").click()
    assert heading(page) == "Make an open link"
    limit = page.get_by_label("Most responses through the link")
    expect(limit).to_have_value("15")  # suggested: the recorded headcounts
    check(page, "make")
    limit.fill("40")
    page.get_by_role("button", name="Make an open link").click()
    link = page.get_by_label("Link for any member of staff").input_value()
    token = re.search(r"/s/open/([A-Za-z0-9_-]+)/", link).group(1)
    assert OpenLink.objects.get().max_responses == 40

    # Two nurses of the council answer through it: one place was recorded, so one waits.
    for _ in range(2):
        by_open_link(token, council, nurse)
    assert counted_responses(wave).count() == 1
    assert Response.objects.filter(awaiting_confirmation=True).count() == 1

    page.goto(wave.get_absolute_url())
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("1 response through the open link is waiting for confirmation")
    banner.get_by_role("link", name="Confirm or discard it").click()
    assert heading(page) == "Responses waiting for confirmation"
    row = page.locator("tr", has=page.get_by_role("rowheader", name="City Council"))
    expect(row).to_contain_text("Nurse")
    expect(row.locator("[data-waiting]")).to_have_text("1")
    check(page, "awaiting")
    row.get_by_role("button", name="Confirm 1 response of Nurse at City Council").click()
    expect(
        page.get_by_text("1 response of Nurse at City Council confirmed: it now counts.")
    ).to_be_visible()
    expect(page.get_by_text("No responses are waiting for confirmation.")).to_be_visible()
    check(page, "confirmed")
    assert counted_responses(wave).count() == 2
    assert StaffHeadcount.objects.get(organisation=council, staff_group=nurse).count == 2
    page.goto(wave.get_absolute_url())
    expect(page.get_by_text("waiting for confirmation")).to_have_count(0)
    context.close()
