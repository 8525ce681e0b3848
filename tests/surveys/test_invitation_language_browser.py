"""An evaluator of a wave offering Welsh previews each language version of the invitation and
adds a Welsh speaker by hand, in real Chromium, with no WCAG 2.2 A/AA violations (issue 17)."""

import datetime

import pytest
from playwright.sync_api import expect

from poet.models import Role, Wave
from surveys.models import Invitation
from surveys.services.translations import set_languages
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory, member
from tests.surveys.test_invitations_browser import assert_accessible, assert_fits, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_evaluator_previews_each_language_and_adds_a_welsh_speaker(page):
    wave = WaveFactory(
        partnership__name="Môn Together",
        name="Baseline 2026",
        status=Wave.Status.OPEN,
        closes_on=datetime.date(2026, 12, 18),
    )
    OrganisationFactory(partnership=wave.partnership, name="Cyngor Môn")
    StaffGroupFactory(partnership=wave.partnership, name="Nurse")
    set_languages(wave, ["cy", "ur"])
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    sign_in(page, "eve")
    base = f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/invitations/"

    page.goto(base + "preview/")
    versions = page.get_by_role("navigation", name="The e-mail in each language")
    expect(versions.locator("[aria-current=page]")).to_have_text("In Welsh and English")
    html_part = page.locator("[data-email-html]")
    expect(html_part.locator("[lang=cy]")).to_contain_text("Helo,")
    expect(html_part.locator("[lang=en-GB]")).to_contain_text("Hello,")
    assert_accessible(page)

    versions.get_by_role("link", name="In Welsh", exact=True).click()
    expect(versions.locator("[aria-current=page]")).to_have_text("In Welsh")
    expect(html_part).to_contain_text("Bydd yr arolwg yn cau ar ddiwedd dydd Gwener 18 Rhagfyr")
    expect(html_part).not_to_contain_text("Hello,")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(base + "add/")
    page.get_by_label("E-mail address").fill("eleri@example.org")
    page.get_by_label("Organisation").select_option(label="Cyngor Môn")
    page.get_by_label("Staff group").select_option(label="Nurse")
    page.get_by_label("Language (optional)").select_option(label="Welsh (Cymraeg)")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the staff list").click()
    expect(page.get_by_text("eleri@example.org added to the staff list.")).to_be_visible()
    assert Invitation.objects.get(email="eleri@example.org").language == "cy"
