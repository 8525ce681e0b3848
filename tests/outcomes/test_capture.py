"""Answers captured by an evaluator: assisted entry of an interview, and the import upload page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from outcomes.models import Participant, ParticipantResponse
from poet.models import Audience, AuditEvent
from surveys.models import Answer, Response
from tests.factories import PASSWORD
from tests.outcomes.test_participants_support import build_follow_up, consented

pytestmark = pytest.mark.django_db

HEADER = "respondent,audience,organisation,group,item,value\n"


@pytest.fixture
def follow_up(client):
    follow_up = build_follow_up()
    assert client.login(username=follow_up.evaluator.username, password=PASSWORD)
    return follow_up


def test_the_whole_questionnaire_is_on_one_page(client, follow_up):
    person = consented(follow_up)
    html = client.get(follow_up.url("assisted_entry", code=person.code)).content.decode()
    assert "Enter answers of P-001" in html
    assert "How important is this to you?" in html
    assert "What matters to you that we have not asked about?" in html
    assert "Interview" in html, "the sessions are offered"
    easy = client.get(follow_up.url("assisted_entry", code=person.code) + "?wording=easy_read")
    assert "Does this matter to you?" in easy.content.decode()


def test_missing_and_bad_answers_are_named_and_the_other_answers_kept(client, follow_up):
    person = consented(follow_up)
    response = client.post(
        follow_up.url("assisted_entry", code=person.code),
        {
            "entry_session": "999999",
            "entry_wording": "standard",
            "O-HOME.achievement": "7",
            "MISSING": "Seeing my grandchildren",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    assert "Select one of the sessions listed" in html
    assert "Select how important “I can stay living in my own home” is" in html
    assert "Select how far “I can stay living in my own home” has been achieved" in html
    assert "Seeing my grandchildren" in html
    assert not Response.objects.exists()
    assert not ParticipantResponse.objects.exists()


def test_answers_are_stored_with_the_session_in_one_go(client, follow_up):
    person = consented(follow_up, Audience.CARER)
    response = client.post(
        follow_up.url("assisted_entry", code=person.code),
        {
            "entry_session": str(follow_up.session.pk),
            "entry_wording": "easy_read",
            "O-HOME.importance": "5",
            "O-HOME.achievement": "dk",
            "MISSING": "Seeing my grandchildren",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == follow_up.url("participant", code=person.code)
    link = ParticipantResponse.objects.get()
    assert link.participant == person
    assert link.capture == ParticipantResponse.Capture.ASSISTED
    assert link.session == follow_up.session
    assert link.easy_read is True
    stored = link.response
    assert stored.audience == Audience.CARER
    assert stored.user_group == follow_up.user_group
    assert stored.questionnaire == follow_up.questionnaire
    assert stored.submitted_on == timezone.localdate()
    answers = {a.item.code: a for a in Answer.objects.filter(response=stored)}
    assert answers["O-HOME.importance"].number == 5
    assert answers["O-HOME.achievement"].dont_know
    assert answers["MISSING"].text == "Seeing my grandchildren"
    assert AuditEvent.objects.filter(action="participant.answers_entered", target="P-001").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Entered by an evaluator" in page


def test_the_session_is_optional(client, follow_up):
    person = consented(follow_up)
    client.post(
        follow_up.url("assisted_entry", code=person.code),
        {"entry_session": "", "entry_wording": "standard", "O-HOME.importance": "2"},
    )
    link = ParticipantResponse.objects.get()
    assert link.session is None and link.easy_read is False


def test_withdrawn_participants_cannot_have_answers_entered(client, follow_up):
    person = consented(follow_up)
    Participant.objects.filter(pk=person.pk).update(withdrawn_on=timezone.localdate())
    response = client.post(
        follow_up.url("assisted_entry", code=person.code),
        {"entry_wording": "standard", "O-HOME.importance": "2"},
        follow=True,
    )
    assert "cannot give answers" in response.content.decode()
    assert not Response.objects.exists()


def _upload(client, follow_up, text: str):
    return client.post(
        follow_up.url("import_answers"),
        {"answers_file": SimpleUploadedFile("answers.csv", text.encode(), "text/csv")},
    )


def test_import_errors_are_listed_and_nothing_is_stored(client, follow_up):
    bad = HEADER + (
        "U1,service_user,,Older people,O-HOME.importance,9\n"
        "U1,service_user,,Older people,NOPE,3\n"
        "U2,carer,,Older people,O-HOME.importance,4\n"
        "U2,carer,,Older people,O-HOME.importance,5\n"
    )
    response = _upload(client, follow_up, bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "The file was not imported: nothing was stored" in html
    assert html.count('<li><a href="#id_answers_file">Line ') >= 3
    assert "NOPE" in html
    assert not Response.objects.exists()
    assert not Participant.objects.exists()


def test_a_good_import_shows_the_counts(client, follow_up):
    good = HEADER + (
        "U1,service_user,,Older people,O-HOME.importance,4\n"
        "U2,carer,,Older people,O-HOME.importance,DK\n"
    )
    response = _upload(client, follow_up, good)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Imported 2 responses" in page
    assert "1 service user" in page and "1 carer" in page
    assert Response.objects.filter(audience__in=["service_user", "carer"]).count() == 2


def test_no_file_is_a_clear_error(client, follow_up):
    response = client.post(follow_up.url("import_answers"), {})
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Choose a CSV file of answers to upload" in html


def test_an_import_into_a_closed_follow_up_is_refused_on_the_page(client, follow_up):
    from outcomes.models import FollowUpSchedule

    FollowUpSchedule.objects.filter(pk=follow_up.schedule.pk).update(
        status=FollowUpSchedule.Status.CLOSED
    )
    response = _upload(client, follow_up, HEADER + "U1,carer,,Older people,O-HOME.importance,4\n")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This wave&#x27;s follow-up is closed: answers can no longer be added." in html
    assert not Response.objects.exists() and not Participant.objects.exists()
