"""Qualitative sources of the follow-up (issue 16, items 1 and 2): an evaluator adds a session's
notes or transcript (typed or a .txt file), it is masked before it is saved, the evaluator
reviews the masking, masks more by hand and confirms it; only then can it be coded or quoted."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes.models import FollowUpSchedule, FollowUpSession, Participant, QualitativeSource
from outcomes.services.sources import SourceError, add_source, confirmed_text, mask_further
from poet.models import AuditEvent, Role
from surveys.models import Invitation
from tests.factories import OrganisationFactory, StaffGroupFactory, member
from tests.outcomes.test_participants_support import build_follow_up, consented

pytestmark = pytest.mark.django_db

TRANSCRIPT = (
    "Sam: Thank you for coming. P-001, how are things?\n"
    "P-001: Since Dr Okafor visited (ring her on 07700 900123 or priya.okafor@nhs.net), "
    "I can stay at home in LS6 2QH. I'd give O-HOME 4 out of 5; we met on 03/11/2026 at 10:30.\n"
    "P-001: Priya Okafor is lovely. The staff at Rosewood were kind."
)


@pytest.fixture
def follow_up():
    built = build_follow_up()
    consented(built)  # P-001
    p = built.partnership
    Invitation.objects.create(
        wave=built.wave,
        organisation=OrganisationFactory(partnership=p),
        staff_group=StaffGroupFactory(partnership=p),
        email="priya.okafor@nhs.net",
    )
    return built


def signed_in(client, follow_up):
    client.force_login(follow_up.evaluator)
    return client


def add(client, follow_up, **data):
    fields = {
        "session": follow_up.session.pk,
        "kind": "transcript",
        "audience": "service_user",
        "text": TRANSCRIPT,
    } | data
    return client.post(follow_up.url("add_source"), fields, follow=True)


def page_text(response) -> str:
    return unescape(response.content.decode())


# --- the list ----------------------------------------------------------------------------------


def test_the_list_says_when_there_is_nothing_yet(client, follow_up):
    response = signed_in(client, follow_up).get(follow_up.url("sources"))
    assert response.status_code == 200
    text = page_text(response)
    assert "No notes or transcripts yet." in text
    assert "Add notes or a transcript" in text


def test_without_sessions_the_list_sends_the_evaluator_to_add_one(client, follow_up):
    FollowUpSession.objects.all().delete()
    text = page_text(signed_in(client, follow_up).get(follow_up.url("sources")))
    assert "Add the follow-up's sessions" in text
    assert follow_up.url("add_source") not in text


def test_the_schedule_links_to_the_sources(client, follow_up):
    text = page_text(signed_in(client, follow_up).get(follow_up.url("schedule")))
    assert follow_up.url("sources") in text


# --- adding, masked before it is saved --------------------------------------------------------


def test_a_pasted_transcript_is_masked_before_it_is_saved(client, follow_up):
    response = add(signed_in(client, follow_up), follow_up)
    text = page_text(response)
    assert "Review the masking" in text
    source = QualitativeSource.objects.get()
    assert source.text == (
        "[name]: Thank you for coming. [name], how are things?\n"
        "[name]: Since Dr [name] visited (ring her on [phone] or [email]), "
        "I can stay at home in [postcode]. I'd give O-HOME 4 out of 5; we met on 03/11/2026 at "
        "10:30.\n"
        "[name]: [name] is lovely. The staff at Rosewood were kind."
    )
    assert source.masked_counts == {
        "name": 6,
        "email": 1,
        "phone": 1,
        "postcode": 1,
        "by_hand": 0,
    }
    assert source.session == follow_up.session
    assert (source.kind, source.audience) == ("transcript", "service_user")
    assert not source.is_confirmed
    for identifier in ("Okafor", "Priya", "07700", "LS6", "P-001", "Sam:"):
        assert identifier not in text, identifier
    assert "Names and participant codes" in text and "Not yet confirmed" in text


def test_no_identifier_is_anywhere_in_the_database_row_or_the_audit(client, follow_up):
    add(signed_in(client, follow_up), follow_up)
    row = QualitativeSource.objects.values().get()
    events = AuditEvent.objects.filter(action__startswith="source.")
    assert events.count() == 1
    stored = repr(row) + repr(list(events.values("target", "detail", "reason")))
    for identifier in ("Okafor", "07700", "LS6 2QH", "P-001", "nhs.net"):
        assert identifier not in stored, identifier


def test_an_uploaded_text_file_is_read_masked_and_not_kept(client, follow_up, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile(
        "Priya Okafor interview.txt", ("\ufeff" + TRANSCRIPT).replace("\n", "\r\n").encode()
    )
    response = add(signed_in(client, follow_up), follow_up, text="", upload=upload)
    assert "Review the masking" in page_text(response)
    source = QualitativeSource.objects.get()
    assert source.text.startswith("[name]: Thank you for coming.")
    assert "\r" not in source.text and "Okafor" not in source.text
    assert "interview.txt" not in repr(QualitativeSource.objects.values().get())
    assert list(tmp_path.iterdir()) == []


def test_a_windows_encoded_file_is_read(client, follow_up):
    upload = SimpleUploadedFile("notes.txt", "Café with Sam – 4/5".encode("cp1252"))
    add(signed_in(client, follow_up), follow_up, text="", upload=upload, kind="notes")
    assert QualitativeSource.objects.get().text == "Café with [name] – 4/5"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Type or paste the text, or upload a file"),
        ({"text": "   "}, "Type or paste the text, or upload a file"),
        ({"session": ""}, "Select the session"),
        ({"kind": ""}, "Select transcript or notes"),
        ({"audience": "staff"}, "Select who took part"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_the_text_kept(client, follow_up, data, message):
    response = add(signed_in(client, follow_up), follow_up, **data)
    text = page_text(response)
    assert response.status_code == 200
    assert message in text and "There is a problem" in text
    assert not QualitativeSource.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("transcript.doc", b"PK\x03\x04", "must be a plain text file (.txt), a Word document"),
        ("transcript.txt", b"\x00\x01binary", "not plain text"),
        ("transcript.txt", b"a" * (2 * 1024 * 1024 + 1), "smaller than 2 MB"),
    ],
)
def test_files_that_are_not_plain_text_are_refused(client, follow_up, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = add(signed_in(client, follow_up), follow_up, text="", upload=upload)
    assert message in page_text(response)
    assert not QualitativeSource.objects.exists()


def test_text_and_a_file_together_are_refused(client, follow_up):
    upload = SimpleUploadedFile("t.txt", b"hello")
    response = add(signed_in(client, follow_up), follow_up, upload=upload)
    assert "not both" in page_text(response)
    assert not QualitativeSource.objects.exists()


def test_a_session_of_another_follow_up_is_refused(follow_up):
    other = build_follow_up()
    with pytest.raises(SourceError, match="this follow-up's sessions"):
        add_source(
            follow_up.schedule,
            session=other.session,
            audience="carer",
            kind="notes",
            text="Hello",
        )


def test_names_of_members_and_facilitators_are_masked_too(follow_up):
    member(follow_up.partnership, Role.MANAGER, user__first_name="Eleri", user__last_name="Vaughan")
    FollowUpSession.objects.create(
        schedule=follow_up.schedule, method="focus_group", facilitator="Tomasz Nowak"
    )
    source = add_source(
        follow_up.schedule,
        session=follow_up.session,
        audience="mixed",
        kind="notes",
        text="Eleri Vaughan and Tomasz said hello. I will ask.",
    )
    assert source.text == "[name] and [name] said hello. I will ask."


def test_codes_of_another_follow_up_and_outcome_codes_are_left(follow_up):
    other = build_follow_up()
    Participant.objects.create(
        schedule=other.schedule, code="Q-777", audience="carer", user_group=other.user_group
    )
    source = add_source(
        follow_up.schedule,
        session=follow_up.session,
        audience="carer",
        kind="notes",
        text="P-001 and Q-777 talked about O-HOME.",
    )
    assert source.text == "[name] and Q-777 talked about O-HOME."


# --- review, mask by hand, confirm ---------------------------------------------------------


def review_url(follow_up, source) -> str:
    return follow_up.url("source") + f"?source={source.pk}"


def test_words_masked_by_hand_are_masked_counted_audited_and_not_kept(client, follow_up):
    add(signed_in(client, follow_up), follow_up)
    source = QualitativeSource.objects.get()
    response = client.post(
        review_url(follow_up, source), {"words": "rosewood\n\n  Stay at home \n"}, follow=True
    )
    text = page_text(response)
    assert "2 more places masked." in text
    source.refresh_from_db()
    assert "Rosewood" not in source.text and "[masked]" in source.text
    assert "I can [masked] in [postcode]" in source.text
    assert source.masked_counts["by_hand"] == 2
    event = AuditEvent.objects.get(action="source.masked_by_hand")
    assert event.detail == {"words": 2, "masked": 2}
    assert "osewood" not in repr(QualitativeSource.objects.values().get())


def test_masking_words_not_in_the_text_says_so(client, follow_up):
    add(signed_in(client, follow_up), follow_up)
    source = QualitativeSource.objects.get()
    response = client.post(review_url(follow_up, source), {"words": "Zebedee"}, follow=True)
    assert "nothing more was masked" in page_text(response)


def test_masking_no_words_is_an_error_on_the_page(client, follow_up):
    add(signed_in(client, follow_up), follow_up)
    source = QualitativeSource.objects.get()
    response = client.post(review_url(follow_up, source), {"words": " \n "})
    assert "Enter at least one word or phrase to mask" in page_text(response)


def test_a_source_cannot_be_coded_until_its_masking_is_confirmed(client, follow_up):
    add(signed_in(client, follow_up), follow_up)
    source = QualitativeSource.objects.get()
    with pytest.raises(SourceError, match="not yet confirmed"):
        confirmed_text(source)
    response = client.post(follow_up.url("confirm_source"), {"source": source.pk}, follow=True)
    text = page_text(response)
    assert "The masking is confirmed" in text
    assert "Confirm the masking</button>" not in text
    source.refresh_from_db()
    assert source.is_confirmed and source.confirmed_by == follow_up.evaluator
    assert confirmed_text(source) == source.text
    event = AuditEvent.objects.get(action="source.masking_confirmed")
    assert event.actor == follow_up.evaluator and event.target == f"source {source.pk}"
    listed = page_text(client.get(follow_up.url("sources")))
    assert "Confirmed" in listed and "Transcript 1" in listed


def test_confirming_twice_says_it_is_already_confirmed(client, follow_up):
    add(signed_in(client, follow_up), follow_up)
    source = QualitativeSource.objects.get()
    client.post(follow_up.url("confirm_source"), {"source": source.pk})
    response = client.post(follow_up.url("confirm_source"), {"source": source.pk}, follow=True)
    assert "already confirmed" in page_text(response)
    assert AuditEvent.objects.filter(action="source.masking_confirmed").count() == 1


def test_masking_more_after_confirming_keeps_it_confirmed(follow_up):
    source = add_source(
        follow_up.schedule,
        session=follow_up.session,
        audience="carer",
        kind="notes",
        text="At Rosewood",
    )
    source.masking = QualitativeSource.Masking.CONFIRMED
    source.save()
    assert mask_further(source, ["Rosewood"]) == 1
    source.refresh_from_db()
    assert source.text == "At [masked]" and source.is_confirmed


# --- who may see sources -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sources", "add_source"])
def test_managers_may_not_see_sources(client, follow_up, name):
    manager = member(follow_up.partnership, Role.MANAGER)
    client.force_login(manager)
    assert client.get(follow_up.url(name)).status_code == 403


def test_a_source_of_another_partnership_is_not_found(client, follow_up):
    other = build_follow_up()
    theirs = add_source(
        other.schedule, session=other.session, audience="carer", kind="notes", text="Hello"
    )
    signed_in(client, follow_up)
    assert client.get(review_url(follow_up, theirs)).status_code == 404
    response = client.post(follow_up.url("confirm_source"), {"source": theirs.pk})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_confirmed


def test_a_wave_without_follow_up_has_no_sources_page(client, follow_up):
    FollowUpSchedule.objects.all().delete()
    assert signed_in(client, follow_up).get(follow_up.url("sources")).status_code == 404


def test_the_review_page_marks_what_was_masked_and_escapes_the_text(client, follow_up):
    add(signed_in(client, follow_up), follow_up, text="Sam said <b>hello</b> & 07700 900123")
    source = QualitativeSource.objects.get()
    html = client.get(review_url(follow_up, source)).content.decode()
    assert '<mark class="poet-masked">[name]</mark> said &lt;b&gt;hello&lt;/b&gt; &amp; ' in html
    assert '<mark class="poet-masked">[phone]</mark>' in html


# --- free-text answers become sources ----------------------------------------------------------


def staff_answer(follow_up, text: str):
    from surveys.models import Answer, Questionnaire
    from tests.factories import (
        ItemFactory,
        QuestionnaireFactory,
        ResponseFactory,
        SectionFactory,
    )

    questionnaire = QuestionnaireFactory(
        wave=follow_up.wave, audience=Questionnaire.For.STAFF, title="Staff survey"
    )
    item = ItemFactory(
        section=SectionFactory(questionnaire=questionnaire, order=1),
        code="S-FREE",
        kind="text",
        scale="",
        text="Anything else?",
    )
    response = ResponseFactory(wave=follow_up.wave, questionnaire=questionnaire)
    return Answer.objects.create(response=response, item=item, text=text)


def test_free_text_answers_of_staff_and_participants_become_masked_sources(client, follow_up):
    from outcomes.services.capture import enter_answers
    from outcomes.services.participants import check_collecting, withdraw

    carer = Participant.objects.get()
    enter_answers(
        carer,
        check_collecting(follow_up.schedule),
        {"O-HOME.importance": 4, "MISSING": "Ask Priya Okafor: 07700 900123"},
        session=follow_up.session,
    )
    answer = staff_answer(follow_up, "More time with P-001's family at LS6 2QH")
    signed_in(client, follow_up)
    response = client.post(follow_up.url("collect_answers"), follow=True)
    assert "2 free-text answers added and masked" in page_text(response)
    staff = QualitativeSource.objects.get(audience="staff")
    assert staff.text == "More time with [name]'s family at [postcode]"
    assert (staff.organisation, staff.staff_group, staff.session) == (
        answer.response.organisation,
        answer.response.staff_group,
        None,
    )
    users = QualitativeSource.objects.get(audience="service_user")
    assert users.text == "Ask [name]: [phone]"
    assert users.session == follow_up.session and users.kind == "answer"
    assert not users.is_confirmed
    listed = page_text(client.get(follow_up.url("sources")))
    assert answer.response.organisation.name in listed and "Free-text answer" in listed
    reviewed = page_text(client.get(review_url(follow_up, staff)))
    assert f"staff of {answer.response.organisation.name}" in reviewed
    assert "[name]</mark>'s family at" in reviewed
    again = client.post(follow_up.url("collect_answers"), follow=True)
    assert "no new free-text answers" in page_text(again)
    assert QualitativeSource.objects.count() == 2
    withdraw(carer)
    assert list(QualitativeSource.objects.values_list("audience", flat=True)) == ["staff"]
