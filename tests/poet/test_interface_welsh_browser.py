"""Issue 17, item 1 in Chromium: a person switches to Cymraeg with the header's link and reads the
core and account pages in Welsh, each titled, headed and axe-clean (the walk of every page in
tests/accessibility/test_every_page.py sees them in English)."""

from __future__ import annotations

import pytest
from django.test import Client

from poet.models import Role, Wave
from tests.accessibility.test_every_page import SHOTS, check_page
from tests.factories import PartnershipFactory, WaveFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_core_pages_in_welsh_pass_axe(browser, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    partnership = PartnershipFactory(slug="alpha", name="Alpha")
    WaveFactory(partnership=partnership, name="Cylch 1", status=Wave.Status.OPEN)
    user = member(partnership, Role.ADMINISTRATOR, user__username="ada")
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    report = []

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == "cy", name
        problems = check_page(page, f"cy-{name}", page.url, respondent=False)
        if problems:
            report.append(f"{name}: " + "; ".join(problems))

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Newid yr iaith i’r Gymraeg").click()
    assert page.get_by_role("heading", name="Mewngofnodi").is_visible()
    check("login")
    page.get_by_role("button", name="Mewngofnodi").click()
    assert "Mae problem wedi codi" in page.content()
    check("login-error")
    page.goto("/glossary/")
    assert page.get_by_role("heading", name="Geirfa", exact=True).is_visible()
    check("glossary")

    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for name, url, heading in [
        ("home", "/", "Eich partneriaethau"),
        ("partnership", "/p/alpha/", "Alpha"),
        ("settings", "/p/alpha/settings/", "Gosodiadau"),
        ("members", "/p/alpha/members/", "Aelodau"),
        ("audit", "/p/alpha/audit/", "Log archwilio"),
        ("new-wave", "/p/alpha/waves/new/", "Creu cylch"),
        ("two-factor", "/accounts/two-factor/", "Dilysu dau gam"),
        ("api-tokens", "/accounts/api-tokens/", "Tocynnau API"),
    ]:
        page.goto(url)
        assert page.get_by_role("heading", level=1).inner_text() == heading, name
        check(name)
    page.get_by_role("button", name="Creu tocyn").click()
    assert "Rhowch enw i’r tocyn" in page.content()
    check("api-tokens-errors")
    context.close()
    assert not report, "\n".join(report)
