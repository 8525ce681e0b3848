"""A service user answers the follow-up questionnaire in Urdu on a 320 px phone in Chromium:
every page right to left (`<html lang="ur" dir="rtl">`), in the questionnaire's Urdu words,
never scrolling sideways, and clean under axe (WCAG 2.2 A and AA).

Screenshots: test-artifacts/accessibility/urdu-320-*.png; the first question page also in
docs/screenshots/carer-urdu-320px.png for the README.
"""

import polib
import pytest
from playwright.sync_api import expect

from outcomes.models import ParticipantResponse
from poet.models import Wave
from surveys.services.translations import export_po, import_po, set_languages
from tests.accessibility.support import (
    PHONE,
    WCAG_AA,
    axe_violations,
    describe,
    follow_up_link,
    readme_screenshot,
    scroll_width,
    snap,
)
from tests.surveys.test_respond_browser import answer_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Plain Urdu: "the text in Urdu" and "question"; each text gets its own number.
URDU = "اردو میں متن"


def urdu(text: str, number: int) -> str:
    """Every text in Urdu words, each paragraph's "Easy read:" marker kept."""
    paragraphs = []
    for n, paragraph in enumerate(text.split("\n\n")):
        marker = "Easy read: " if paragraph.startswith("Easy read:") else ""
        paragraphs.append(f"{marker}{URDU} {number}.{n + 1}")
    return "\n\n".join(paragraphs)


def translate_into_urdu(wave: Wave) -> dict[str, str]:
    set_languages(wave, ["ur"])
    po = polib.pofile(export_po(wave, "ur").decode())
    for number, entry in enumerate(po, start=1):
        entry.msgstr = urdu(entry.msgid, number)
    import_po(wave, "ur", str(po).encode())
    return {entry.msgctxt: entry.msgstr for entry in po}


def test_a_service_user_answers_in_urdu_at_320_px_right_to_left(browser, live_server):
    link = follow_up_link()
    wave = Wave.objects.get()
    texts = translate_into_urdu(wave)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    seen = 0

    def look() -> None:
        nonlocal seen
        seen += 1
        snap(page, "accessibility", f"urdu-320-{seen:02d}")
        if seen == 2:  # the first page of questions
            readme_screenshot(page, "carer-urdu-320px")
        html = page.locator("html")
        assert html.get_attribute("lang") == "ur", page.url
        assert html.get_attribute("dir") == "rtl", page.url
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        width = scroll_width(page)
        assert width <= PHONE["width"], f"{page.url} ({page.title()}) is {width} px wide"
        violations = axe_violations(page, WCAG_AA)
        assert not violations, f"{page.url}:\n{describe(violations)}"

    page.goto(f"{link}?lang=ur")
    look()
    title = texts["follow_up.questionnaire.title"]
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("[data-languages] [aria-current]")).to_have_text("اردو")
    # The pages' own words are the wave's Urdu too (a language the interface's catalogue lacks).
    page.get_by_role("button", name=texts["page.start"]).click()
    while page.locator("#section-progress").count():
        look()
        assert URDU in page.locator("main").inner_text()
        answer_section(page)
        page.locator('button[name="action"][value="continue"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["page.check_heading"])
    look()
    page.get_by_role("button", name=texts["page.send"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["page.thanks"])
    look()
    context.close()
    own = ParticipantResponse.objects.get()
    assert own.response.language == "ur"
    assert own.response.answers.exists()
