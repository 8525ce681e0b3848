"""The qualitative evidence pages in Welsh in real Chromium (issue 17, item 1): an evaluator who
chose Cymraeg with the header's switch selects a passage by keyboard and the page's script tells
her what she selected in Welsh; the sources, review, codebook, coding, agreement, Themes and
framework pages in Welsh have no serious axe problem."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from outcomes.services import codebook
from tests.factories import PASSWORD
from tests.outcomes.coding_support import build_coded_follow_up, the_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()


def test_an_evaluator_codes_in_welsh(page):
    built = build_coded_follow_up()
    codebook.add_theme(built.schedule, name="Home")
    source = the_source(built)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(built.evaluator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/language/cy/?next={built.url('sources')}")
    expect(page.locator("h1")).to_have_text("Nodiadau a thrawsgrifiadau")
    assert_accessible(page)

    page.get_by_role("link", name="Trawsgrifiad 1").click()
    expect(page.locator("h1")).to_have_text("Adolygu’r masgio")
    assert_accessible(page)

    page.goto(built.url("codebook"))
    expect(page.locator("h1")).to_have_text("Llyfr codau")
    assert_accessible(page)
    page.get_by_role("link", name="Codio trawsgrifiad 1").click()
    expect(page).to_have_title(re.compile(r"^Codio trawsgrifiad 1"))
    assert_accessible(page)

    # Nothing selected: the script's error is the page's own Welsh.
    selection = page.locator("[data-selection]")
    selection.get_by_role("button", name="Codio’r dewis").click()
    expect(page.get_by_text("Dewiswch ddarn o’r testun yn gyntaf")).to_be_visible()
    status = page.locator("[data-selection-status]")
    expect(status).to_have_text("Dim wedi’i ddewis eto.")
    # By keyboard: the second line, selected with Shift+End.
    page.get_by_label("Y testun").focus()
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    expect(status).to_contain_text("Wedi’i ddewis: “Member: I can stay at home")
    selection.get_by_label("Home").check()
    selection.get_by_role("button", name="Codio’r dewis").click()
    expect(page.get_by_text("Darn wedi’i godio i Home.")).to_be_visible()
    assert source.codings.count() == 1

    for name, heading in (
        ("agreement", "Cytundeb rhwng codwyr"),
        ("themes", "Themâu"),
        ("framework", "Matrics fframwaith"),
        ("import_codebook", "Mewnforio llyfr codau"),
    ):
        page.goto(built.url(name))
        expect(page.locator("h1")).to_have_text(heading)
        assert_accessible(page)
