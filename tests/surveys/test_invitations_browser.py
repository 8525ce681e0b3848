"""An evaluator invites staff and reads response rates in real Chromium, with no WCAG 2.2 A/AA
violations, on a desktop and on a 320 px phone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from poet.models import Role, Wave
from surveys.models import Invitation
from tests.factories import PASSWORD, OrganisationFactory, StaffGroupFactory, WaveFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page, context=None):
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}}
    results = Axe().run(page, context=context, options=options)
    assert results.violations_count == 0, results.generate_report()


def assert_fits(page):
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def csv_file(text):
    return {"name": "staff.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_an_evaluator_uploads_a_staff_list_sends_invitations_and_reads_rates(page):
    wave = WaveFactory(partnership__name="Northshire Together", name="Baseline 2026")
    OrganisationFactory(partnership=wave.partnership, name="Northshire Council")
    StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    sign_in(page, "eve")
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Invite staff").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Invitations"
    assert_accessible(page)

    page.get_by_label("Staff list").set_input_files(
        csv_file("email,organisation,staff_group\nnurse@x,Northshire Council,Nurse\n")
    )
    page.get_by_role("button", name="Upload staff list").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    assert "Row 2: 'nurse@x' is not a valid e-mail address." in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_staff_list" or page.url.endswith(
        "#id_staff_list"
    )

    rows = "".join(f"person{n}@example.org,Northshire Council,Nurse\n" for n in range(3))
    page.get_by_label("Staff list").set_input_files(
        csv_file("email,organisation,staff_group\n" + rows)
    )
    page.get_by_role("button", name="Upload staff list").click()
    assert "3 people added to the staff list." in page.content()
    assert Invitation.objects.filter(wave=wave).count() == 3

    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN)
    page.reload()
    page.get_by_role("button", name="Send invitations").click()
    page.get_by_role("link", name="Back").click()
    assert len(mail.outbox) == 3
    assert "Everyone on the staff list has been sent an invitation." in page.content()

    page.get_by_role("link", name="response rates").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Response rates"
    assert "fewer than 10" in page.content()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_fits(page)
    assert_accessible(page)  # breadcrumbs included: their targets meet WCAG 2.5.8 at 320 px
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/invitations/")
    assert_fits(page)

    page.set_viewport_size({"width": 1024, "height": 800})
    page.get_by_role("link", name="Make an open link").click()
    page.get_by_label("Most responses through the link").fill("300")
    assert_accessible(page)
    page.get_by_role("button", name="Make an open link").click()
    assert "/s/open/" in page.get_by_label("Link for any member of staff").input_value()
    assert_accessible(page)

    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    page.get_by_role("link", name="Back to invitations").click()
    page.get_by_role("link", name="Delete e-mail addresses").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, delete the e-mail addresses").click()
    assert "3 e-mail addresses deleted." in page.content()
    assert not Invitation.objects.exclude(email="").exists()
    assert_accessible(page)
