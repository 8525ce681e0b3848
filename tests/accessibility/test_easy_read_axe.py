"""Issue 15, item 13: the follow-up's pages pass axe (WCAG 2.2 A/AA, every impact) in both
wordings, with the outcome pictures, and never scroll sideways on a 320 px phone."""

from __future__ import annotations

import re

import pytest

from tests.accessibility.support import (
    PHONE,
    WCAG_AA,
    axe_violations,
    describe,
    follow_up_link,
    scroll_width,
    snap,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def problems_of(page, name: str) -> list[str]:
    snap(page, "easy-read", name)
    found = []
    violations = axe_violations(page, WCAG_AA)
    if violations:
        found.append(f"{name}: axe\n    " + describe(violations).replace("\n", "\n    "))
    page.set_viewport_size(PHONE)
    if scroll_width(page) > PHONE["width"]:
        found.append(f"{name}: scrolls sideways at 320 px")
    page.set_viewport_size({"width": 1280, "height": 720})
    return found


@pytest.mark.parametrize("easy_read", [False, True], ids=["standard", "easy-read"])
def test_follow_up_pages_pass_axe_in_both_wordings(browser, live_server, easy_read):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(follow_up_link())
    wording = "easy-read" if easy_read else "standard"
    if easy_read:
        page.get_by_role("button", name=re.compile("^Easy read")).click()
        page.get_by_role("button", name=re.compile("^Standard wording")).wait_for()
    problems = problems_of(page, f"{wording}-start")
    page.get_by_role("button", name=re.compile("^Start")).click()
    number = 0
    while page.locator("#section-progress").count():
        number += 1
        if easy_read:
            assert page.locator("#section-progress").inner_text().startswith("Page ")
        pictures = page.locator("img.poet-outcome-picture")
        for i in range(pictures.count()):
            assert pictures.nth(i).get_attribute("alt") == "", (
                "a picture beside words is decorative"
            )
        problems += problems_of(page, f"{wording}-section-{number}")
        if number == 1:  # answer one question: an empty response is refused
            radio = page.locator("input[type=radio]").first
            page.locator(f"label[for='{radio.get_attribute('id')}']").click()
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile(r"^(Continue|Next)")).click()
    problems += problems_of(page, f"{wording}-review")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Send (your|my) answers$")).click()
    problems += problems_of(page, f"{wording}-thank-you")
    assert "asks these questions" in page.content() or "run by" in page.content()
    context.close()
    assert number >= 2
    assert not problems, "\n".join(problems)
