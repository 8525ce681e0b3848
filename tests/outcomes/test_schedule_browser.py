"""An evaluator builds the follow-up schedule in real Chromium, checked with axe."""

import re
import shutil
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from outcomes.models import FollowUpSchedule
from poet.library import load_library
from poet.models import AuditEvent, OutcomeStatement, Role
from surveys.services.design import create_staff_questionnaire
from tests.conftest import require
from tests.factories import PASSWORD, WaveFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_evaluator_creates_a_schedule_adds_a_session_and_downloads_a_guide(page, tmp_path):
    load_library(OutcomeStatement)  # transactional tests flush the migration's data
    wave = WaveFactory(partnership__name="Alpha partnership", name="Baseline 2026")
    home = OutcomeStatement.objects.get(partnership=None, code="O-HOME")
    create_staff_questionnaire(wave, [home])
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    sign_in(page, "eve")

    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Plan sessions and register participants").click()
    page.get_by_role("button", name="Create the follow-up schedule").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Follow-up schedule"
    assert "The follow-up schedule is created" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Change methods").click()
    page.get_by_label("Interview").check()
    page.get_by_role("button", name="Save").click()
    assert "The methods are saved." in page.content()

    page.get_by_role("link", name="Add an outcome").click()
    assert_accessible(page)
    page.get_by_label(f"{home.text} (O-HOME)").check()
    page.get_by_label("Most endorsed by staff").check()
    page.get_by_label("Note (optional)").fill("Nine in ten staff rated it essential")
    page.get_by_role("button", name="Add the outcome").click()
    assert "O-HOME is added to the follow-up." in page.content()

    page.get_by_role("link", name="Add a session").click()
    assert_accessible(page)
    page.get_by_label("Interview").check()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Facilitator (optional)").fill("Sam Jones")
    page.get_by_label("Service users planned").fill("-2")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert").inner_text()
    assert "Enter a real date, for example 27 3 2027." in summary
    assert "The number of service users planned cannot be negative." in summary
    assert page.get_by_label("Facilitator (optional)").input_value() == "Sam Jones"
    assert_accessible(page)
    page.get_by_label("Day").fill("28")
    page.get_by_label("Service users planned").fill("4")
    page.get_by_label("Carers planned").fill("2")
    page.get_by_role("button", name="Save").click()
    assert "The session is saved." in page.content()
    assert "28 Feb 2027" in page.content()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the interview guide (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("interview-guide.pdf")
    pdf = tmp_path / "guide.pdf"
    download.save_as(pdf)
    require(shutil.which("pdftotext") is not None, "the test needs pdftotext (poppler-utils)")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Alpha partnership" in text and "Page 1 of" in text
    assert AuditEvent.objects.filter(action="guide.downloaded").exists()

    schedule = FollowUpSchedule.objects.get(wave=wave)
    session = schedule.sessions.get()
    assert (session.planned_service_users, session.planned_carers) == (4, 2)
    assert schedule.methods == ["questionnaire", "interview"]


def test_schedule_pages_on_a_phone(page):
    load_library(OutcomeStatement)
    wave = WaveFactory(partnership__name="Beta partnership", name="Twelve months")
    member(wave.partnership, Role.EVALUATOR, user__username="eva")
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "eva")
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Plan sessions and register participants").click()
    page.get_by_role("button", name="Create the follow-up schedule").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Carers planned").fill("a few")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    page.get_by_role("link", name="Cancel and go back").click()
    page.get_by_role("link", name="Open the follow-up").click()
    page.get_by_role("button", name="Open the follow-up").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert "Choose at least one outcome" in page.content()
    assert_accessible(page)
