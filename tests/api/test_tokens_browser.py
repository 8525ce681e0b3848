"""The API tokens and documentation pages in Chromium: axe-clean, titled and headed, including
the state after a POST that the walk of tests/accessibility/test_every_page.py cannot reach (a new
token shown once, a token revoked, the form's errors)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accessibility.test_every_page import SHOTS, check_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_token_pages_pass_axe_in_every_state(browser, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    user = UserFactory(username="ana")
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    report = []

    def check(name: str) -> None:
        problems = check_page(page, name, page.url, respondent=False)
        if problems:
            report.append(f"{name}: " + "; ".join(problems))

    page.goto(reverse("api_tokens"))
    assert "You have no API tokens" in page.content()
    page.get_by_role("button", name="Make token").click()
    assert "Enter a name for the token" in page.content()
    check("api-tokens-errors")
    page.get_by_label("Name").fill("R on my laptop")
    page.get_by_role("button", name="Make token").click()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("poet_")
    check("api-tokens-new")
    page.goto(reverse("api_tokens"))
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke R on my laptop").click()
    assert "is revoked" in page.content()
    check("api-tokens-revoked")
    page.goto(reverse("api_docs"))
    check("api-docs")
    context.close()
    assert not report, "\n".join(report)
