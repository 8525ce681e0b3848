"""Issue 16, item 1 in real Chromium: an evaluator uploads a Word transcript through the file
field (keyboard only: the form works without a mouse), sees its text read and masked on the
review page; a renamed file gets its error on the field, linked from the error summary."""

import pytest
from playwright.sync_api import expect

from outcomes.models import QualitativeSource
from poet.models import Role
from tests.factories import PASSWORD, member
from tests.outcomes.documents import word_document
from tests.outcomes.test_participants_support import build_follow_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_evaluator_uploads_a_word_transcript_and_reviews_it_masked(page, tmp_path):
    follow_up = build_follow_up()
    member(follow_up.partnership, Role.EVALUATOR, user__username="eve")
    sign_in(page, "eve")
    transcript = tmp_path / "Focus group with Sam.docx"
    transcript.write_bytes(
        word_document(
            ["Sam: What changed?", "Carer: Ring me on 07700 900123 any time."],
            table=[["Speaker", "Words"], ["User", "The night visits helped."]],
            header="Draft – do not share",
        )
    )
    renamed = tmp_path / "notes.docx"
    renamed.write_bytes(b"just some text, renamed")

    page.goto(follow_up.url("add_source"))
    page.get_by_label("Session").select_option(label=follow_up.session.label)
    page.get_by_label("Transcript").check()
    page.get_by_label("Service users", exact=True).check()
    page.get_by_label("Or upload a file (.txt, .docx or .odt)").set_input_files(str(renamed))
    page.get_by_role("button", name="Add and mask").press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("not a Word document (.docx), though its name says so")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_upload")).to_be_focused()
    assert not QualitativeSource.objects.exists()

    page.get_by_label("Or upload a file (.txt, .docx or .odt)").set_input_files(str(transcript))
    page.get_by_role("button", name="Add and mask").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the masking")
    text = page.locator("[data-source-text]")
    expect(text).to_contain_text("[name]: What changed?")
    expect(text).to_contain_text("Ring me on [phone] any time.")
    expect(text).to_contain_text("User | The night visits helped.")
    expect(text).not_to_contain_text("Draft")
    assert "Sam" not in QualitativeSource.objects.get().text
