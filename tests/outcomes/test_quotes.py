"""Picking quotes for the joint display (issue 16, item 6), as an evaluator does on a coded
passage's page: picked and unpicked (audited), refused from a group below k, and at most three
per outcome."""

from html import unescape

import pytest

from outcomes.models import Quote, Theme
from poet.models import AuditEvent, OutcomeStatement
from tests.outcomes.coding_support import build_coded_follow_up, the_source
from tests.outcomes.test_theme_analysis_pages import code, in_session, theme_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    built = build_coded_follow_up()
    built.partnership.minimum_group_size = 3
    built.partnership.save()
    return built


def home_theme(built) -> Theme:
    home = OutcomeStatement.objects.get(partnership=built.partnership, code="O-HOME")
    return Theme.objects.create(schedule=built.schedule, name="Staying at home", outcome=home)


def pick(client, built, coding):
    client.force_login(built.evaluator)
    return client.post(built.url("pick_quote"), {"coding": coding.pk}, follow=True)


def test_a_passage_of_a_group_of_k_is_picked_and_unpicked(client, built):
    in_session(built, 3)
    source = the_source(built)
    coding = code(built, source, home_theme(built), 57, 113)
    client.force_login(built.evaluator)
    page = unescape(client.get(built.url("coding") + f"?coding={coding.pk}").content.decode())
    assert "Pick as a quote" in page
    text = unescape(pick(client, built, coding).content.decode())
    assert "The passage is picked as a quote for Staying at home" in text
    assert "Unpick this quote" in text
    quote = Quote.objects.get()
    assert quote.text == source.text[57:113]
    assert AuditEvent.objects.filter(action="quote.picked").exists()
    text = unescape(
        client.post(
            built.url("unpick_quote"), {"quote": quote.pk, "coding": coding.pk}, follow=True
        ).content.decode()
    )
    assert "The quote is taken out of the report" in text
    assert not Quote.objects.exists()
    assert AuditEvent.objects.filter(action="quote.unpicked").exists()


def test_a_sub_theme_passage_is_quoted_for_its_outcome(client, built):
    in_session(built, 3)
    parent = home_theme(built)
    child = Theme.objects.create(schedule=built.schedule, name="Own front door", parent=parent)
    coding = code(built, the_source(built), child, 57, 113)
    pick(client, built, coding)
    assert Quote.objects.get().theme == parent


def test_a_passage_from_a_group_below_k_is_refused(client, built):
    in_session(built, 2)
    coding = code(built, the_source(built), home_theme(built), 57, 113)
    text = unescape(pick(client, built, coding).content.decode())
    assert "This passage cannot be quoted: fewer than 3 people of its group" in text
    assert not Quote.objects.exists()


def test_a_theme_of_no_outcome_cannot_be_quoted(client, built):
    in_session(built, 3)
    coding = code(built, the_source(built), theme_named(built), 57, 113)
    client.force_login(built.evaluator)
    page = unescape(client.get(built.url("coding") + f"?coding={coding.pk}").content.decode())
    assert "Pick as a quote" not in page
    text = unescape(pick(client, built, coding).content.decode())
    assert "Only a passage coded to a chosen outcome" in text
    assert not Quote.objects.exists()


def test_at_most_three_quotes_per_outcome(client, built):
    in_session(built, 3)
    source, theme = the_source(built), home_theme(built)
    for start in (0, 57, 113, 170):
        text = unescape(
            pick(client, built, code(built, source, theme, start, start + 20)).content.decode()
        )
    assert "already has 3 quotes: unpick one first" in text
    assert Quote.objects.count() == 3


def test_the_outcomes_theme_page_lists_its_quotes_and_unpicks_them(client, built):
    in_session(built, 3)
    source, theme = the_source(built), home_theme(built)
    client.force_login(built.evaluator)
    page = unescape(client.get(built.url("theme") + f"?theme={theme.pk}").content.decode())
    assert "No quote is picked yet" in page
    pick(client, built, code(built, source, theme, 57, 113))
    page = unescape(client.get(built.url("theme") + f"?theme={theme.pk}").content.decode())
    assert source.text[57:113] in page and "Not shown" not in page
    quote = Quote.objects.get()
    response = client.post(built.url("unpick_quote"), {"quote": quote.pk}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"?theme={theme.pk}")
    assert "The quote is taken out of the report" in unescape(response.content.decode())
    assert not Quote.objects.exists()
