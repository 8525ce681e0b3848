"""A partner lead answers the three context tools by link in real Chromium; an evaluator then
sees the results, and a manager finds them in the formative report and its PDF. Every page
passes axe (WCAG 2.2 AA)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from poet.models import Organisation, Role, UserGroup
from surveys.services import context as tools
from tests.factories import PASSWORD, member
from tests.reports.reporting import pdf_text, seeded_wave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()


def test_a_partner_lead_answers_by_link_and_an_evaluator_sees_the_results(
    page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    wave = seeded_wave().wave  # with a finished comparison run, so the reports have content
    council = Organisation.objects.create(partnership=wave.partnership, name="Council")
    Organisation.objects.create(partnership=wave.partnership, name="Hospital")
    UserGroup.objects.get_or_create(partnership=wave.partnership, name="Older people")
    _, token = tools.create_lead(wave, name="Ann Lead", organisation=council)
    member(wave.partnership, Role.EVALUATOR, user__username="eve")
    page.set_viewport_size({"width": 320, "height": 800})

    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/context/lead/?token={token}")
    assert "token" not in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Where the partnership is now"
    assert_accessible(page)

    page.get_by_role("link", name="Levels of integration").click()
    assert_accessible(page)
    now = page.get_by_role("group", name="For Older people: the level of integration now")
    now.get_by_label("Linkage").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.get_by_role("alert").inner_text().startswith("There is a problem")
    assert_accessible(page)
    needed = page.get_by_role("group", name="For Older people: the level these people need")
    assert now.get_by_label("Linkage").is_checked()  # kept
    needed.get_by_label("Full integration").check()
    page.get_by_role("button", name="Save and continue").click()
    assert "your answers are saved" in page.content()

    page.get_by_role("link", name="Depth and breadth of relationships").click()
    assert_accessible(page)
    for question, choice in [
        ("how deep the relationship is now", "1 – Sharing information"),
        ("how broad the relationship is now", "2 – A few services"),
        ("how deep it should be", "4 – Joint management"),
        ("how broad it should be", "3 – One whole service area"),
    ]:
        group = page.get_by_role("group", name=f"Council and Hospital: {question}")
        group.get_by_label(choice).check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Strategic importance").click()
    assert_accessible(page)
    page.get_by_label("5 – Central to what we are for").check()
    page.get_by_label("Why? (optional)").fill("It is <b>our</b> core work")
    page.get_by_role("button", name="Save and continue").click()
    assert page.get_by_text("Not answered yet").count() == 0
    assert_accessible(page)

    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(wave.get_absolute_url())
    page.get_by_role("link", name="Partnership context results").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Partnership context"
    table = page.get_by_role("table", name="Level of integration per user group")
    assert "+2.0" in table.inner_text()
    assert "Council and Hospital" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Partner leads and their links").click()
    assert "Ann Lead" in page.content()
    assert_accessible(page)

    # A manager sees the tools in the formative report, and in its PDF.
    member(wave.partnership, Role.MANAGER, user__username="mona")
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/reports/formative/")
    for heading in (
        "Levels of integration",
        "Depth and breadth of relationships",
        "Strategic importance",
    ):
        assert page.get_by_role("heading", name=heading, exact=False).count() >= 1, heading
    page.goto(f"/p/{wave.partnership.slug}/waves/{wave.slug}/downloads/")
    page.get_by_label("Formative report").check()
    page.get_by_label("PDF document").check()
    page.get_by_role("button", name="Make the file").click()
    page.get_by_role("heading", name="Done").wait_for(timeout=120_000)
    page.get_by_role("link", name="Back").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download").first.click()
    path = tmp_path / "formative.pdf"
    info.value.save_as(path)
    text = pdf_text(path)
    assert "Levels of integration" in text and "Older people" in text
