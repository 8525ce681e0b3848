"""Issue 16, item 4 in real Chromium: an evaluator selects a passage of a confirmed transcript
with the keyboard alone and codes it to two themes (an outcome and their own); a selection left
empty is refused on the page; a second coder's blind coding meets hers on the agreement page.
axe finds no serious WCAG 2.2 A/AA problem on the codebook, coding and agreement pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from outcomes.models import Coding, Theme
from outcomes.services import coding
from poet.analysis.agreement import paragraphs
from tests.factories import PASSWORD
from tests.outcomes.coding_support import build_coded_follow_up, second_coder, the_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()


def test_an_evaluator_codes_a_passage_by_keyboard_to_two_themes(page):
    built = build_coded_follow_up()
    source = the_source(built)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(built.evaluator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The codebook: the chosen outcome as a theme, and one of her own.
    page.goto(built.url("codebook"))
    assert_accessible(page)
    page.get_by_role("button", name="Add the 1 chosen outcome as themes").click()
    expect(page.get_by_text("1 chosen outcome added as themes.")).to_be_visible()
    page.get_by_role("link", name="Add a theme").click()
    page.get_by_label("Name").fill("Transport")
    page.get_by_label("Description (optional)").fill("Getting to places")
    page.get_by_role("button", name="Add the theme").click()
    expect(page.get_by_text("Theme 'Transport' added.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Code transcript 1").click()
    expect(page).to_have_title(re.compile(r"^Code transcript 1"))
    selection = page.locator("[data-selection]")
    expect(selection).to_be_visible()  # the script shows the selection part
    assert_accessible(page)

    # Nothing selected: the page says so and posts nothing.
    selection.get_by_role("button", name="Code selection").click()
    expect(page.get_by_text("Select a passage of the text first")).to_be_visible()
    assert not Coding.objects.exists()

    # By keyboard: into the text, down to the second line, select it with Shift+End.
    text = page.get_by_label("The text")
    text.focus()
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    expect(page.locator("[data-selection-status]")).to_contain_text(
        "Selected: “Member: I can stay at home"
    )
    # Typing does not change the text (read-only), and the selection stays.
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.type("x")
    assert text.input_value() == source.text
    # Tick the two themes and code, with the keyboard too.
    for name in ("O-HOME", "Transport"):
        selection.get_by_label(name, exact=True).focus()
        page.keyboard.press("Space")
    selection.get_by_label("Memo on the passage (optional)").fill("Home first")
    selection.get_by_role("button", name="Code selection").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Passage coded to O-HOME, Transport.")).to_be_visible()
    assert_accessible(page)

    line = paragraphs(source.text)[1]
    codings = Coding.objects.order_by("theme__name")
    assert [(c.theme.name, c.start, c.end, c.memo) for c in codings] == [
        ("O-HOME", line[0], line[1], "Home first"),
        ("Transport", line[0], line[1], "Home first"),
    ]
    assert source.text[line[0] : line[1]] == (
        "Member: I can stay at home now, which matters most to me."
    )
    # The paragraph form agrees: paragraph 2 ticked for both themes.
    home, transport = Theme.objects.get(name="O-HOME"), Theme.objects.get(name="Transport")
    expect(page.locator(f"#p1-theme-{home.pk}")).to_be_checked()
    expect(page.locator(f"#p1-theme-{transport.pk}")).to_be_checked()

    # She marks it done; a second coder coded blind and is done too: the agreement page.
    other = second_coder(built)
    coding.code_passage(source, coder=other, themes=[home], start=line[0], end=line[1])
    coding.mark_done(source, coder=other)
    page.get_by_role("button", name="Mark my coding of this source done").click()
    expect(page.get_by_text("Every coder's codings", exact=True)).to_be_visible()
    assert_accessible(page)
    page.goto(built.url("agreement"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreement between coders")
    expect(page.locator('[data-theme="O-HOME"] [data-kappa]')).to_have_text("1.00")
    expect(page.locator('[data-theme="Transport"] [data-percentage]')).to_have_text("75%")
    assert_accessible(page)


def test_without_javascript_a_paragraph_is_coded_by_keyboard(browser, live_server):
    built = build_coded_follow_up()
    theme = Theme.objects.create(schedule=built.schedule, name="Loneliness")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(built.evaluator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{built.url('code_source')}?source={the_source(built).pk}")
    expect(page.locator("[data-selection]")).to_be_hidden()  # the selection needs the script
    box = page.locator(f"#p2-theme-{theme.pk}")  # paragraph 3: the bus stopped, I see nobody
    box.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save the paragraphs' themes").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 coding added, 0 removed.")).to_be_visible()
    expect(page.locator(f"#p2-theme-{theme.pk}")).to_be_checked()
    # (axe runs as a script, so it checks this page in the test above, with JavaScript on)
    source = the_source(built)
    (made,) = Coding.objects.all()
    assert source.text[made.start : made.end] == (
        "Member: The bus to the day centre stopped, so I see nobody."
    )
    context.close()
