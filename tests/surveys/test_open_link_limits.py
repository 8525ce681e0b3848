"""The open link's limit (the most responses it takes) and its hourly rate limits, driven through
the pages as respondents and evaluators use them."""

from html import unescape

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from poet.models import AuditEvent, Role
from surveys import rate_limits
from surveys.models import Draft, OpenLink, Response
from tests.factories import member
from tests.surveys.test_answering_support import (
    SECTION_1,
    SECTION_2,
    SECTION_3,
    build_survey,
    open_link,
)

pytestmark = pytest.mark.django_db


def section(n: int) -> str:
    return reverse("respond:section", kwargs={"number": n})


def text(response) -> str:
    return unescape(response.content.decode())


def start(token: str, invitation, ip: str = "198.51.100.7"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(
        f"/s/open/{token}/",
        {"organisation": invitation.organisation_id, "staff_group": invitation.staff_group_id},
    )
    return client, response


def answer(client: Client) -> None:
    for n, data in enumerate([SECTION_1, SECTION_2, SECTION_3], start=1):
        assert client.post(section(n), data).status_code == 302


def send(client: Client):
    return client.post(reverse("respond:review"))


@pytest.fixture
def survey():
    invitation, _ = build_survey()
    return invitation, open_link(invitation.wave)


# --- the most responses a link takes ------------------------------------------------------------


def test_a_full_link_says_so_and_stores_nothing_more(survey):
    invitation, token = survey
    OpenLink.objects.filter(wave=invitation.wave).update(max_responses=2)
    waiting = []
    for _ in range(3):
        client, response = start(token, invitation)
        assert response.status_code == 302
        answer(client)
        waiting.append(client)
    for client in waiting[:2]:
        assert send(client)["Location"] == reverse("respond:thanks")
    assert Response.objects.count() == 2  # awaiting confirmation or not, both take a place

    # Someone who started before it filled up: told it is full, nothing stored, draft kept.
    refused = send(waiting[2])
    assert refused.status_code == 410
    assert "This link is full" in text(refused)
    assert Response.objects.count() == 2
    assert Draft.objects.filter(via_open_link=True).count() == 1

    # A newcomer is told at once, before answering anything.
    page = Client().get(f"/s/open/{token}/")
    assert page.status_code == 410
    assert '<h1 class="govuk-heading-l">This link is full</h1>' in text(page)
    _, posted = start(token, invitation)
    assert posted.status_code == 410
    assert Draft.objects.filter(via_open_link=True).count() == 1

    # Raising the limit lets the waiting person send what they entered.
    evaluator = Client()
    evaluator.force_login(member(invitation.wave.partnership, Role.EVALUATOR))
    limit_page = f"/p/{invitation.wave.partnership.slug}/waves/{invitation.wave.slug}/survey/"
    assert "It is <strong>full</strong>" in text(evaluator.get(limit_page + "invitations/"))
    saved = evaluator.post(limit_page + "invitations/open-link/limit/", {"max_responses": "3"})
    assert saved.status_code == 302
    assert OpenLink.objects.get().max_responses == 3
    event = AuditEvent.objects.get(action="open_link.limit_changed")
    assert (event.detail["old"], event.detail["new"]) == (2, 3)
    assert send(waiting[2])["Location"] == reverse("respond:thanks")
    assert Response.objects.count() == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the most responses the link may take."),
        ("0", "The most responses must be 1 or more."),
        ("lots", "Enter the most responses as a whole number, such as 200."),
    ],
)
def test_a_link_is_made_only_with_a_limit(survey, value, message):
    invitation, _ = survey
    OpenLink.objects.all().delete()
    evaluator = Client()
    evaluator.force_login(member(invitation.wave.partnership, Role.EVALUATOR))
    url = f"/p/{invitation.wave.partnership.slug}/waves/{invitation.wave.slug}/survey/"
    response = evaluator.post(url + "invitations/open-link/", {"max_responses": value})
    assert response.status_code == 200
    body = text(response)
    assert "<title>Error: Make an open link" in body and message in body
    assert not OpenLink.objects.exists()


def test_the_suggested_limit_is_the_recorded_headcount(survey):
    from surveys.models import StaffHeadcount

    invitation, _ = survey
    OpenLink.objects.all().delete()
    StaffHeadcount.objects.create(
        wave=invitation.wave,
        organisation=invitation.organisation,
        staff_group=invitation.staff_group,
        count=37,
    )
    evaluator = Client()
    evaluator.force_login(member(invitation.wave.partnership, Role.EVALUATOR))
    url = f"/p/{invitation.wave.partnership.slug}/waves/{invitation.wave.slug}/survey/"
    assert 'value="37"' in text(evaluator.get(url + "invitations/open-link/"))


# --- the rate limit -------------------------------------------------------------------------------


@override_settings(OPEN_LINK_HOURLY_LIMIT_PER_ADDRESS=2, OPEN_LINK_HOURLY_LIMIT=3)
def test_starts_are_limited_per_address_and_per_link(survey):
    invitation, token = survey
    for _ in range(2):
        assert start(token, invitation, ip="203.0.113.1")[1].status_code == 302
    client, refused = start(token, invitation, ip="203.0.113.1")
    assert refused.status_code == 429
    assert "Please try again later" in text(refused)
    assert "Nothing has been stored" in text(refused)
    assert int(refused["Retry-After"]) <= 3600
    assert Draft.objects.count() == 2
    # Another address may still start; the refused address used none of the link's budget.
    assert start(token, invitation, ip="203.0.113.2")[1].status_code == 302
    # The link as a whole: three an hour here.
    assert start(token, invitation, ip="203.0.113.3")[1].status_code == 429
    assert Draft.objects.count() == 3
    # A page that only shows the choice is never refused.
    assert Client(REMOTE_ADDR="203.0.113.1").get(f"/s/open/{token}/").status_code == 200


def test_a_refused_submit_keeps_every_answer_and_goes_through_an_hour_later(survey, monkeypatch):
    invitation, token = survey
    client, _ = start(token, invitation)
    answer(client)
    draft = Draft.objects.get()
    with override_settings(OPEN_LINK_HOURLY_LIMIT_PER_ADDRESS=0):
        refused = send(client)
    assert refused.status_code == 429
    body = text(refused)
    assert "Your answers are saved: please send them later" in body
    assert "nothing you entered is lost" in body
    assert 'href="/s/review/"' in body
    assert "http://testserver/s/resume/" in body  # the way back after closing the page
    assert not Response.objects.exists()
    assert Draft.objects.get().answers == draft.answers
    assert client.get(reverse("respond:review")).status_code == 200

    clock = rate_limits.time.time()
    monkeypatch.setattr(rate_limits.time, "time", lambda: clock + 3600)
    with override_settings(OPEN_LINK_HOURLY_LIMIT_PER_ADDRESS=1):
        assert send(client)["Location"] == reverse("respond:thanks")
    assert Response.objects.count() == 1 and not Draft.objects.exists()


@override_settings(OPEN_LINK_HOURLY_LIMIT_PER_ADDRESS=1)
def test_personal_invitation_links_are_never_rate_limited():
    from tests.surveys.test_answering_support import link_for

    invitation, token = build_survey()
    second = invitation.__class__.objects.create(
        wave=invitation.wave,
        organisation=invitation.organisation,
        staff_group=invitation.staff_group,
        email="alex@example.org",
    )
    for link in (token, link_for(second)):
        client = Client(REMOTE_ADDR="203.0.113.9")
        assert client.get(f"/s/{link}/").status_code == 302
        answer(client)
        assert send(client)["Location"] == reverse("respond:thanks")
    assert Response.objects.count() == 2


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_address_it_saw_counts_not_one_the_client_names(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.20", REMOTE_ADDR="10.0.0.1")
    assert rate_limits.client_address(request) == "198.51.100.20"
    with override_settings(TRUSTED_PROXIES=0):
        assert rate_limits.client_address(request) == "10.0.0.1"
