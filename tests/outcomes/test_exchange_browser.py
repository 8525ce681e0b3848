"""Issue 16, item 7 in real Chromium: an evaluator, by keyboard, goes from the codebook to the
import page, uploads a .qdc exported from another wave, reads what was imported and what was
skipped; a file that is not a codebook gets its error linked from the summary to the field.
Both states are axe-clean (the page walk sees only the empty form)."""

import pytest
from playwright.sync_api import expect

from outcomes.models import FollowUpSchedule, Theme
from outcomes.services import codebook
from outcomes.services.exchange import export_codebook
from poet.models import Role
from tests.accessibility.support import WCAG_AA, axe_violations, describe
from tests.factories import PASSWORD, WaveFactory, member
from tests.outcomes.test_participants_support import build_follow_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_evaluator_imports_a_codebook_and_reads_the_report(page, tmp_path):
    follow_up = build_follow_up()
    member(follow_up.partnership, Role.EVALUATOR, user__username="eve")
    codebook.add_theme(follow_up.schedule, name="Travel")
    earlier = WaveFactory(partnership=follow_up.partnership, name="Pilot")
    pilot = FollowUpSchedule.objects.create(wave=earlier, methods=["interview"])
    travel = codebook.add_theme(pilot, name="Travel", description="Getting about")
    codebook.add_theme(pilot, name="Buses", parent=travel)
    codebook.add_theme(pilot, name="Loneliness", description="Seeing nobody")
    qdc = tmp_path / "pilot.qdc"
    qdc.write_bytes(export_codebook(pilot))
    wrong = tmp_path / "notes.qdc"
    wrong.write_bytes(b"just some text")
    sign_in(page, "eve")

    page.goto(follow_up.url("codebook"))
    page.get_by_role("link", name="Import a codebook (.qdc)").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a codebook")
    page.get_by_label("Upload a codebook (.qdc)").set_input_files(str(wrong))
    page.get_by_role("button", name="Import the codebook").press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("it is not well-formed XML")
    violations = axe_violations(page, WCAG_AA)
    assert not violations, describe(violations)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_codebook")).to_be_focused()

    page.get_by_label("Upload a codebook (.qdc)").set_input_files(str(qdc))
    page.get_by_role("button", name="Import the codebook").press("Enter")
    result = page.locator("[data-import-result]")
    expect(result).to_contain_text("2 themes imported into the codebook.")
    expect(result.locator("[data-added]")).to_contain_text("Travel › Buses")
    skipped = page.get_by_role("table", name="Themes of the file not imported, and why")
    expect(skipped).to_contain_text("Travel")
    expect(skipped).to_contain_text("A theme with this name is already in the codebook")
    violations = axe_violations(page, WCAG_AA)
    assert not violations, describe(violations)
    buses = Theme.objects.get(schedule=follow_up.schedule, name="Buses")
    assert buses.parent.name == "Travel"
