"""Issue 15, item 13: easy read is complete. When a service user or carer chooses it, every word
the product says on their pages (headings, buttons, progress, privacy, the character counter, the
three that matter most) is in easy-read wording; a plain picture stands beside each outcome
statement (decorative: empty alt); and every page names the partnership and who to contact."""

from __future__ import annotations

import re

import pytest

from poet.library import default_icon
from poet.models import OutcomeIcon
from surveys.models import Draft
from surveys.services.answering import sections_of
from tests.surveys.easy_read_support import CONTACT, open_follow_up

pytestmark = pytest.mark.django_db
PARTNERSHIP = "Riverside Health and Care Partnership"


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def begin(client, easy_read: bool):
    follow_up = open_follow_up()
    client.get(f"/s/p/{follow_up.token}/")
    if easy_read:
        response = client.post("/s/easy-read/", {"easy_read": "1", "next": "/s/"})
        assert response.status_code == 302
    return follow_up


def answer_everything(client, follow_up) -> None:
    draft = Draft.objects.get(context__participant=follow_up.participant.pk)
    questionnaire = draft.questionnaire
    answers = {}
    for section in sections_of(questionnaire):
        for item in section.items.all():
            if item.kind == "likert":
                answers[item.code] = 4
    draft.answers = answers
    draft.save()


def test_easy_read_changes_every_word_the_product_says(client):
    follow_up = begin(client, easy_read=True)
    start = text_of(client.get("/s/"))
    for words in ("Why we are asking you", "Your answers are private", "Start"):
        assert words in start
    assert "Your privacy" not in start and "Start now" not in start

    count = len(sections_of(Draft.objects.get().questionnaire))
    first = client.get("/s/section/1/")
    page = text_of(first)
    assert f"Page 1 of {count}" in page and "Section 1 of" not in page
    for words in ("Next", "Go back", "Save and stop for now"):
        assert words in page
    assert "Save and come back later" not in page
    assert "I can stay in my own home." in page  # the statement's easy-read words

    last = client.get(f"/s/section/{count}/")
    html = last.content.decode()
    page = text_of(last)
    for easy in ("I can stay in my own home.", "I feel safe.", "I tell my story one time only."):
        assert easy in page, easy  # the three that matter most, in easy-read words
    assert "I can stay living in my own home for as long as I want to." not in page
    assert "Choose up to 3." in page and "Select up to" not in page
    assert "You can write up to" in page and "characters" not in page
    assert 'data-i18n.characters-under-limit.other="You can write %{count} more letters' in html
    assert "Next: check your answers" in page

    answer_everything(client, follow_up)
    review = text_of(client.get("/s/review/"))
    assert "Check your answers" in review and "before sending them" not in review
    assert "Send my answers" in review
    assert "I can stay in my own home." in review

    saved = text_of(client.get("/s/saved/"))
    assert "We saved your answers" in saved

    sent = client.post("/s/review/")
    assert sent.status_code == 302
    thanks = text_of(client.get(sent["Location"]))
    assert "We have your answers" in thanks
    assert f"{PARTNERSHIP} asks these questions." in thanks and CONTACT in thanks


def test_standard_wording_is_unchanged_and_names_who_asks(client):
    begin(client, easy_read=False)
    for url in ("/s/", "/s/section/1/", "/s/review/", "/s/saved/"):
        page = text_of(client.get(url))
        assert f"This survey is run by {PARTNERSHIP}." in page, url
        assert f"Questions about it? Contact {CONTACT}." in page, url
    section = text_of(client.get("/s/section/1/"))
    assert "Section 1 of" in section and "Save and come back later" in section


def test_without_a_contact_people_are_told_to_ask_whoever_gave_them_the_link(client):
    follow_up = open_follow_up(contact="")
    client.get(f"/s/p/{follow_up.token}/")
    page = text_of(client.get("/s/"))
    assert "Questions about it? Ask the person who gave you the link." in page


def test_a_decorative_picture_stands_beside_each_outcome_statement(client):
    begin(client, easy_read=True)
    html = client.get("/s/section/1/").content.decode()
    pictures = re.findall(r'<img src="([^"]+)" alt="" width="48" height="48"', html)
    assert pictures and all(p.startswith("/static/icons/outcomes/") for p in pictures)
    assert "/static/icons/outcomes/home.svg" in pictures
    headings = re.findall(r'<h2 class="govuk-fieldset__heading[^"]*">(.*?)</h2>', html, re.S)
    assert headings and all("<img" in h for h in headings)


def test_every_library_outcome_has_a_picture_that_ships_with_the_app():
    from pathlib import Path

    from poet.library import OUTCOME_LIBRARY

    icons = Path(__file__).resolve().parents[2] / "static" / "icons" / "outcomes"
    for icon in OutcomeIcon.values:
        svg = (icons / f"{icon}.svg").read_text()
        assert svg.startswith("<svg") and "<script" not in svg
    for outcome in OUTCOME_LIBRARY:
        assert default_icon(outcome.code, outcome.text) in OutcomeIcon.values
    assert default_icon("O-BUS", "I can get the bus to see my friends") == "people"
    assert default_icon("O-X", "Something else entirely") == "star"


def test_easy_read_error_messages_are_in_easy_read_words(client):
    begin(client, easy_read=True)
    count = len(sections_of(Draft.objects.get().questionnaire))
    page = client.post(
        f"/s/section/{count}/",
        {"TOP3": ["O-HOME", "O-SAFE", "O-STORY", "O-WELL"], "action": "continue"},
    )
    assert page.status_code == 200
    assert "You chose too many. Choose 3 or fewer for" in text_of(page)


def test_an_evaluator_chooses_the_picture_of_an_adopted_outcome(client):
    from django.urls import reverse

    from outcomes.models import OutcomeProposal
    from poet.models import OutcomeStatement, Role
    from tests.factories import member

    follow_up = open_follow_up()
    wave = follow_up.wave
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    proposal = OutcomeProposal.objects.create(wave=wave, source="users", text="Buses on time")
    adopt = reverse(
        "outcomes:adopt_proposal",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug},
    )
    form = client.get(f"{adopt}?proposal={proposal.pk}").content.decode()
    assert "Picture beside it for service users and carers" in form and "A clock" in form
    data = {"proposal": proposal.pk, "text": "My bus comes on time", "code": "O-BUS"}
    refused = client.post(adopt, {**data, "icon": "rocket"})
    assert refused.status_code == 200 and "Choose a picture from the list." in text_of(refused)
    assert client.post(adopt, {**data, "icon": "time"}).status_code == 302
    chosen = OutcomeStatement.objects.get(code="O-BUS")
    assert chosen.icon == "time" and chosen.picture == "time"
    unchosen = OutcomeStatement(code="O-X", text="I can see my friends")
    assert unchosen.picture == "people", "without a choice, one that fits its words"
