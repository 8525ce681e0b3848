"""Participants of the follow-up: codes, consent, withdrawal, and answering by their own link."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import FollowUpSchedule, Participant, ParticipantLink, ParticipantResponse
from outcomes.services.follow_up_questionnaire import (
    INTRODUCTION,
    PRIVACY_NOTICE,
    SECTION_INTRODUCTION,
)
from outcomes.services.participants import (
    ParticipantError,
    create_link,
    register_participant,
    withdraw,
)
from poet.models import Audience, AuditEvent, OutcomeStatement, Role
from surveys.models import Answer, Draft, Questionnaire, Response, Section
from surveys.services.answering import submit
from tests.factories import PASSWORD, ResponseFactory, UserGroupFactory, member
from tests.outcomes.test_participants_support import build_follow_up, consented

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up():
    return build_follow_up()


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def link_token(client, follow_up, participant) -> str:
    response = client.post(follow_up.url("participant_link", code=participant.code))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    found = re.search(r"/s/p/([A-Za-z0-9_-]+)/", response.content.decode())
    assert found, "the link is shown once"
    return found.group(1)


# Registering


def test_codes_are_the_next_free_number_and_unique_per_schedule(follow_up):
    first = consented(follow_up)
    second = consented(follow_up, Audience.CARER)
    assert (first.code, second.code) == ("P-001", "P-002")
    Participant.objects.filter(pk=second.pk).update(code="P-009")
    assert consented(follow_up).code == "P-010"
    other = build_follow_up()
    assert consented(other).code == "P-001"


def test_registering_on_the_page_records_consent_by_the_signed_in_evaluator(client, follow_up):
    login(client, follow_up.evaluator)
    page = client.get(follow_up.url())
    assert "Do not enter names" in page.content.decode()
    today = timezone.localdate()
    response = client.post(
        follow_up.url(),
        {
            "audience": Audience.CARER,
            "user_group": follow_up.user_group.pk,
            "consent_given_on_0": today.day,
            "consent_given_on_1": today.month,
            "consent_given_on_2": today.year,
            "consent_method": Participant.ConsentMethod.VERBAL,
        },
    )
    participant = Participant.objects.get(schedule=follow_up.schedule)
    assert response.status_code == 302
    assert response["Location"] == follow_up.url("participant", code="P-001")
    assert participant.audience == Audience.CARER
    assert participant.user_group == follow_up.user_group
    assert participant.consent_given_on == today
    assert participant.consent_method == "verbal"
    assert participant.consent_recorded_by == follow_up.evaluator
    assert AuditEvent.objects.filter(action="participant.registered", target="P-001").exists()


def test_registering_with_half_a_consent_or_another_partnerships_group_is_refused(
    client, follow_up
):
    login(client, follow_up.evaluator)
    response = client.post(
        follow_up.url(),
        {
            "audience": Audience.SERVICE_USER,
            "user_group": UserGroupFactory().pk,
            "consent_given_on_0": "3",
            "consent_given_on_1": "2",
            "consent_given_on_2": "2026",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Select one of the user groups listed" in html
    assert "Select how consent was given" in html
    assert not Participant.objects.exists()


def test_a_consent_date_in_the_future_is_refused(client, follow_up):
    login(client, follow_up.evaluator)
    later = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        follow_up.url(),
        {
            "audience": Audience.SERVICE_USER,
            "user_group": follow_up.user_group.pk,
            "consent_given_on_0": later.day,
            "consent_given_on_1": later.month,
            "consent_given_on_2": later.year,
            "consent_method": "written",
        },
    )
    assert "must be today or earlier" in response.content.decode()
    assert not Participant.objects.exists()


def test_only_evaluators_of_the_partnership_see_participants(client, follow_up):
    login(client, member(follow_up.partnership, Role.MANAGER))
    assert client.get(follow_up.url()).status_code == 403
    client.logout()
    login(client, member(UserGroupFactory().partnership))
    assert client.get(follow_up.url()).status_code == 404


# Consent


def test_without_consent_there_are_no_answers_until_it_is_recorded(client, follow_up):
    person = register_participant(
        follow_up.schedule, audience=Audience.SERVICE_USER, user_group=follow_up.user_group
    )
    login(client, follow_up.evaluator)
    page = client.get(follow_up.url("participant", code=person.code)).content.decode()
    assert "has not given consent: record their consent before they give any answers" in page
    entry = client.get(follow_up.url("assisted_entry", code=person.code), follow=True)
    assert "has not given consent" in entry.content.decode()
    with pytest.raises(ParticipantError, match="not given consent"):
        create_link(person)

    today = timezone.localdate()
    client.post(
        follow_up.url("participant", code=person.code),
        {
            "consent_given_on_0": today.day,
            "consent_given_on_1": today.month,
            "consent_given_on_2": today.year,
            "consent_method": "online",
        },
    )
    person.refresh_from_db()
    assert person.consent_method == "online"
    assert person.consent_recorded_by == follow_up.evaluator
    assert client.get(follow_up.url("assisted_entry", code=person.code)).status_code == 200


def test_a_link_cannot_be_made_before_the_follow_up_collects_answers():
    follow_up = build_follow_up(status=FollowUpSchedule.Status.DRAFT)
    person = consented(follow_up)
    with pytest.raises(ParticipantError, match="not collecting answers"):
        create_link(person)


# Withdrawal


def _answer_by_link(client, follow_up, participant, easy_read=False) -> Response:
    token = link_token(client, follow_up, participant)
    client.get(f"/s/p/{token}/")
    draft = Draft.objects.get(context__participant=participant.pk)
    draft.answers = {"O-HOME.importance": 5, "O-HOME.achievement": 2, "MISSING": "Friends"}
    draft.easy_read = easy_read
    draft.save()
    return submit(draft.pk)


def test_withdrawal_deletes_their_answers_from_every_analysis_and_keeps_the_event(
    client, follow_up
):
    from outcomes.selectors.responses import counted_responses
    from reports.selectors.frames import load_outcome_answers

    login(client, follow_up.evaluator)
    staff = ResponseFactory(wave=follow_up.wave, answered=True)
    leaving, staying = consented(follow_up), consented(follow_up, Audience.CARER)
    gone = _answer_by_link(client, follow_up, leaving)
    kept = _answer_by_link(client, follow_up, staying)
    assert set(counted_responses(follow_up.wave)) == {staff, gone, kept}

    confirm = client.get(follow_up.url("participant_withdraw", code=leaving.code))
    assert "cannot be undone" in confirm.content.decode()
    assert Response.objects.filter(pk=gone.pk).exists(), "nothing happens before confirming"
    response = client.post(follow_up.url("participant_withdraw", code=leaving.code))
    assert response.status_code == 302

    leaving.refresh_from_db()
    assert leaving.withdrawn_on == timezone.localdate()
    assert not Response.objects.filter(pk=gone.pk).exists()
    assert not Answer.objects.filter(response_id=gone.pk).exists()
    assert not ParticipantResponse.objects.filter(participant=leaving).exists()
    assert not ParticipantLink.objects.filter(participant=leaving).exists()
    assert set(counted_responses(follow_up.wave)) == {staff, kept}
    frame = load_outcome_answers(follow_up.wave)
    assert set(frame["respondent"].astype(int)) <= {staff.pk, kept.pk}
    assert kept.pk in set(frame["respondent"].astype(int))

    event = AuditEvent.objects.get(action="participant.withdrawn")
    assert event.target == "P-001"
    assert event.actor == follow_up.evaluator
    assert event.detail["responses_deleted"] == 1
    assert "Friends" not in str(event.detail)
    assert withdraw(leaving) == 0, "withdrawing twice changes nothing"


def test_a_withdrawn_participants_link_and_draft_stop_working(client, follow_up):
    login(client, follow_up.evaluator)
    person = consented(follow_up)
    token = link_token(client, follow_up, person)
    client.get(f"/s/p/{token}/")
    assert Draft.objects.filter(context__participant=person.pk).exists()
    withdraw(person, actor=follow_up.evaluator)
    assert not Draft.objects.filter(context__participant=person.pk).exists()
    again = client.get(f"/s/p/{token}/")
    assert again.status_code == 404


# Self-completion by link


def test_the_link_is_exchanged_for_the_session_and_starts_a_draft(client, follow_up):
    login(client, follow_up.evaluator)
    person = consented(follow_up, Audience.CARER)
    token = link_token(client, follow_up, person)
    client.logout()

    response = client.get(f"/s/p/{token}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("respond:survey")
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    draft = Draft.objects.get()
    assert draft.questionnaire == follow_up.questionnaire
    assert draft.audience == Audience.CARER
    assert draft.user_group == follow_up.user_group
    assert draft.context == {"participant": person.pk, "link": ParticipantLink.objects.get().pk}
    assert draft.organisation is None and draft.invitation is None

    start = client.get(reverse("respond:survey"))
    html = start.content.decode()
    assert token not in html
    assert start["Cache-Control"] == "no-store"
    assert start["Referrer-Policy"] == "same-origin"
    assert "Easy read" in html
    client.get(f"/s/p/{token}/")
    assert Draft.objects.count() == 1, "the same link carries on the same draft"


def test_unknown_participant_links_get_a_clear_page(client, follow_up):
    response = client.get("/s/p/not-a-real-token/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_the_easy_read_switch_changes_the_wording_and_keeps_the_place(client, follow_up):
    login(client, follow_up.evaluator)
    person = consented(follow_up)
    token = link_token(client, follow_up, person)
    client.get(f"/s/p/{token}/")
    section = reverse("respond:section", kwargs={"number": 1})
    standard = client.get(section).content.decode()
    assert "How important is this to you?" in standard
    assert "1 – Not important" in standard

    response = client.post(reverse("respond:easy_read"), {"easy_read": "1", "next": section})
    assert response.status_code == 302 and response["Location"] == section
    assert Draft.objects.get().easy_read is True
    easy = client.get(section).content.decode()
    assert "Does this matter to you?" in easy
    assert "How important is this to you?" not in easy
    assert "The most important" in easy and "1 – Not important" not in easy
    assert "Standard wording" in easy
    assert "govuk-radios--small" not in easy

    bounced = client.post(
        reverse("respond:easy_read"), {"easy_read": "0", "next": "https://evil.example/"}
    )
    assert bounced["Location"] == reverse("respond:survey")
    assert Draft.objects.get().easy_read is False


def test_easy_read_shows_one_wording_and_its_messages_quote_it(client, follow_up):
    Questionnaire.objects.filter(pk=follow_up.questionnaire.pk).update(
        introduction=INTRODUCTION, privacy_notice=PRIVACY_NOTICE
    )
    OutcomeStatement.objects.filter(code="O-HOME").update(easy_read_text="I can stay at home")
    Section.objects.filter(questionnaire=follow_up.questionnaire).update(
        introduction=SECTION_INTRODUCTION
    )
    login(client, follow_up.evaluator)
    token = link_token(client, follow_up, consented(follow_up))
    client.get(f"/s/p/{token}/")
    start = unescape(client.get(reverse("respond:survey")).content.decode())
    assert "There are no right or wrong answers. It takes about 10 minutes." in start
    assert "We want to know if the service helps you." not in start
    assert "Easy read:" not in start

    client.post(reverse("respond:easy_read"), {"easy_read": "1", "next": "/s/"})
    easy_start = unescape(client.get(reverse("respond:survey")).content.decode())
    assert "We want to know if the service helps you." in easy_start
    assert "Nobody will know which answers are yours." in easy_start
    assert "It takes about 10 minutes." not in easy_start
    assert "Easy read:" not in easy_start

    section = reverse("respond:section", kwargs={"number": 1})
    first_page = unescape(client.get(section).content.decode())
    assert "Has the service helped you with it?" in first_page
    assert "Say how important it is to you" not in first_page
    page = unescape(client.post(section, {"action": "continue"}).content.decode())
    first = Draft.objects.get().questionnaire.sections.order_by("order").first()
    outcome = first.items.exclude(outcome=None).order_by("order").first().outcome
    assert outcome.easy_read_text == "I can stay at home"
    assert f"Select how important “{outcome.easy_read_text}” is" in page
    assert f"“{outcome.text}”" not in page


def test_submitting_by_link_links_the_response_to_the_participant(client, follow_up):
    login(client, follow_up.evaluator)
    person = consented(follow_up, Audience.CARER)
    token = link_token(client, follow_up, person)
    client.logout()
    client.get(f"/s/p/{token}/")
    client.post(reverse("respond:easy_read"), {"easy_read": "1", "next": "/s/"})
    client.post(
        reverse("respond:section", kwargs={"number": 1}),
        {"O-HOME.importance": "4", "O-HOME.achievement": "dk"},
    )
    client.post(reverse("respond:section", kwargs={"number": 2}), {"MISSING": "My garden"})
    review = client.get(reverse("respond:review")).content.decode()
    assert "Does this matter to you?" in review
    done = client.post(reverse("respond:review"))
    assert done["Location"] == reverse("respond:thanks")
    assert "other people" in client.get(done["Location"]).content.decode()

    link = ParticipantResponse.objects.get(participant=person)
    assert link.capture == ParticipantResponse.Capture.SELF
    assert link.easy_read is True
    response = link.response
    assert response.audience == Audience.CARER
    assert response.user_group == follow_up.user_group
    assert response.organisation is None and response.staff_group is None
    assert response.submitted_on == timezone.localdate()
    answers = {a.item.code: a for a in response.answers.select_related("item")}
    assert answers["O-HOME.importance"].number == 4
    assert answers["O-HOME.achievement"].dont_know is True
    assert answers["MISSING"].text == "My garden"
    assert not Draft.objects.exists()
    assert ParticipantLink.objects.get().used_on == timezone.localdate()
    again = client.get(f"/s/p/{token}/")
    assert again.status_code == 410
    assert "already answered" in again.content.decode()


def test_a_participant_withdrawn_while_answering_stores_nothing(client, follow_up):
    login(client, follow_up.evaluator)
    person = consented(follow_up)
    token = link_token(client, follow_up, person)
    client.get(f"/s/p/{token}/")
    draft = Draft.objects.get()
    draft.answers = {"O-HOME.importance": 3}
    draft.save()
    Participant.objects.filter(pk=person.pk).update(withdrawn_on=timezone.localdate())
    with pytest.raises(Exception, match="no longer answer"):
        submit(draft.pk)
    assert not Response.objects.exists()
    assert Draft.objects.exists()


def test_staff_pages_have_no_easy_read_switch(client):
    from tests.surveys.test_answering_support import build_survey

    _, token = build_survey()
    client.get(f"/s/{token}/")
    html = client.get(reverse("respond:survey")).content.decode()
    assert "Easy read" not in html


def test_a_follow_up_closed_while_someone_answers_stores_nothing_more(client, follow_up):
    """A session started before closing: every later save or submit is refused with the closed
    page (410), and nothing of it is kept."""
    login(client, follow_up.evaluator)
    person = consented(follow_up)
    token = link_token(client, follow_up, person)
    client.logout()
    client.get(f"/s/p/{token}/")
    first = reverse("respond:section", kwargs={"number": 1})
    assert client.post(first, {"O-HOME.importance": "4"}).status_code == 302
    kept = Draft.objects.get().answers
    FollowUpSchedule.objects.filter(pk=follow_up.schedule.pk).update(
        status=FollowUpSchedule.Status.CLOSED
    )

    second = reverse("respond:section", kwargs={"number": 2})
    for url, data in ((second, {"MISSING": "My garden"}), (reverse("respond:review"), {})):
        page = client.post(url, data)
        assert page.status_code == 410, url
        assert "This survey is closed" in page.content.decode()
    assert client.get(reverse("respond:survey")).status_code == 410
    assert Draft.objects.get().answers == kept
    assert not Response.objects.exists()
    assert not ParticipantResponse.objects.exists()
    with pytest.raises(Exception, match="no longer taking answers"):
        submit(Draft.objects.get().pk)
    assert not Response.objects.exists()


@pytest.mark.parametrize("code", ["P/1", "P 1", "..", "", "P-" + "1" * 19, "é1"])
def test_participant_codes_are_validated_wherever_they_are_made(follow_up, code):
    from django.core.exceptions import ValidationError

    from outcomes.models import validate_participant_code

    person = Participant(
        schedule=follow_up.schedule,
        code=code,
        audience=Audience.SERVICE_USER,
        user_group=follow_up.user_group,
    )
    with pytest.raises(ValidationError, match="participant code|cannot be blank"):
        person.full_clean()
    with pytest.raises(ValidationError):
        validate_participant_code(code)
    validate_participant_code("P-017")
    validate_participant_code("site.2_a")


def test_a_code_stored_before_codes_were_checked_does_not_break_the_list(client, follow_up):
    login(client, follow_up.evaluator)
    Participant.objects.create(
        schedule=follow_up.schedule,
        code="a/b",
        audience=Audience.SERVICE_USER,
        user_group=follow_up.user_group,
    )
    consented(follow_up)
    page = client.get(follow_up.url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "a/b" in html and "P-001" in html
