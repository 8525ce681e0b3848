"""Issue 15, item 1: the demo is a realistic, complete wave: every response has answers, nobody
came by an open link, every follow-up response is a registered participant's, and the shortlist's
"N staff responded" is the base of each of its rows."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from outcomes.models import Participant, ParticipantResponse
from poet.models import Audience, Wave
from reports.selectors.runs import latest_run
from surveys.demo import DEMO_CONTACT
from surveys.models import Invitation, OpenLink, Questionnaire, Response
from surveys.selectors.respondents import respondents
from surveys.selectors.response_rates import response_rates

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_wave():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # safe to run twice: nothing doubles
    return Wave.objects.get(partnership__slug="riverside", slug="baseline-2026")


def test_the_demo_wave_is_complete_and_consistent(demo_wave):
    wave = demo_wave
    everyone = Response.objects.filter(wave=wave)
    assert everyone.count() == respondents(wave).count() > 0, "no response without answers"
    staff = respondents(wave, Audience.STAFF).count()
    assert staff == Invitation.objects.filter(wave=wave, completed_on__isnull=False).count()
    assert not OpenLink.objects.filter(wave=wave).exists()
    rates = response_rates(wave)
    assert rates["show_open"] is False and rates["overall"]["open"] == 0
    assert rates["overall"]["completed"] == staff
    assert rates["overall"]["invited"] == Invitation.objects.filter(wave=wave).count() > staff

    users = everyone.exclude(audience=Audience.STAFF)
    links = ParticipantResponse.objects.filter(response__in=users)
    assert users.count() == links.count() == Participant.objects.filter(schedule__wave=wave).count()
    for link in links.select_related("participant", "response"):
        assert link.response.audience == link.participant.audience
        assert link.response.user_group_id == link.participant.user_group_id
        assert link.session is not None

    contacts = set(Questionnaire.objects.filter(wave=wave).values_list("contact", flat=True))
    assert contacts == {DEMO_CONTACT}, "both questionnaires name who to contact"

    run = latest_run(wave)
    assert run is not None and not run.users_left_out
    assert run.n_staff == staff and run.n_users == users.count()


def test_the_demo_shortlist_header_agrees_with_its_rows(client, demo_wave):
    wave = demo_wave
    assert client.login(username="demo-evaluator", password="poet-demo-2026")
    page = client.get(
        reverse("outcomes:shortlist", kwargs={"partnership": "riverside", "wave": wave.slug})
    ).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    staff = respondents(wave, Audience.STAFF).count()
    assert f"{staff} staff responded." in text
    shares = re.findall(r"(\d+) staff (\d+)% of the (\d+) staff who responded", text)
    assert len(shares) >= 3
    for picking, share, base in shares:
        assert int(base) == staff and int(share) == round(100 * int(picking) / staff)


def test_the_demo_wave_offers_welsh_and_urdu_fully_translated(client, demo_wave):
    """Issue 17, item 6: English, Welsh and Urdu, every text of both questionnaires translated."""
    from surveys.selectors.translations import language_statuses, translations_of

    statuses = {s.language.code: s for s in language_statuses(demo_wave)}
    assert set(statuses) == {"cy", "ur"}
    assert all(s.complete and s.total > 100 for s in statuses.values())
    welsh = translations_of(demo_wave.pk, "cy")
    assert welsh["outcome.O-HOME.easy_read_text"][1] == "Gallaf aros yn fy nghartref fy hun."
    urdu = translations_of(demo_wave.pk, "ur")
    assert urdu["follow_up.questionnaire.title"][1] == "آپ کے لیے کیا اہم ہے"


def test_the_demo_has_masked_transcripts_a_coded_codebook_and_agreement(client, demo_wave):
    """Issue 16: a new user sees qualitative evidence at once: a focus-group transcript and
    interview notes, masked and confirmed, coded by two coders to the chosen outcomes and to
    themes of their own (one proposed as a new outcome), with their agreement per theme."""
    from django.contrib.auth import get_user_model

    from outcomes.demo import DEMO_SPEAKERS
    from outcomes.models import Coding, OutcomeProposal, QualitativeSource, Theme

    sources = list(QualitativeSource.objects.filter(schedule__wave=demo_wave))
    assert len(sources) == 2 and all(s.is_confirmed for s in sources)
    for source in sources:
        for name in [*DEMO_SPEAKERS, "Jo Evans", "Sam Patel", "07700", "priya.shah"]:
            assert name not in source.text
    assert "[name]" in sources[0].text
    assert {c.coder.username for c in Coding.objects.filter(source__in=sources)} == {
        "demo-evaluator",
        "demo-admin",
    }
    proposed = Theme.objects.get(schedule__wave=demo_wave, name="Loneliness").proposal
    assert proposed == OutcomeProposal.objects.get(wave=demo_wave, text__icontains="alone")

    client.force_login(get_user_model().objects.get(username="demo-evaluator"))
    base = f"/p/{demo_wave.partnership.slug}/waves/{demo_wave.slug}/follow-up/"
    codebook = client.get(base + "codebook/").content.decode()
    assert "Loneliness" in codebook and "Getting out and about" in codebook
    agreement = client.get(base + "coding/agreement/")
    assert agreement.status_code == 200
    page = agreement.content.decode()
    assert "Loneliness" in page and "kappa" in page.lower()


def test_the_demo_summative_report_has_a_joint_display_with_quotes(client, demo_wave):
    """Issue 16, item 6: a manager of the demo sees numbers and words side by side at once."""
    from django.contrib.auth import get_user_model

    from outcomes.models import Quote

    quotes = list(Quote.objects.filter(theme__schedule__wave=demo_wave))
    assert quotes and all(q.theme.outcome_id for q in quotes)
    client.force_login(get_user_model().objects.get(username="demo-manager"))
    page = client.get(
        f"/p/{demo_wave.partnership.slug}/waves/{demo_wave.slug}/reports/summative/"
    ).content.decode()
    assert "Numbers and words: the joint display" in page
    assert "data-quote" in page
    assert "Possible blind spots" in page
