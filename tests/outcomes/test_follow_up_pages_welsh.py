"""Issue 17, item 1: the follow-up pages of the outcomes app in Welsh.

An evaluator who chose Cymraeg (the django_language cookie the header's switch sets) sees the
schedule, the participants' register and pages, the printed letter, the answers they enter or
import (with every bad row of a refused file named in Welsh), and the outcome shortlist in
Welsh; without the cookie every page is in English exactly as before.
"""

import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from outcomes.services.guides import GuideKind, guide_html
from outcomes.services.imports import run_import, start_import
from outcomes.services.participants import withdraw
from poet.models import AuditEvent, Role
from poet.selectors.audit_log import audit_details
from poet.services import JobRefused
from tests.factories import member
from tests.outcomes.test_participants_support import build_follow_up, consented
from tests.outcomes.test_shortlist_seed import seed_wave

pytestmark = pytest.mark.django_db

HEADER = "respondent,audience,organisation,group,item,value\n"
BAD_FILE = HEADER + (
    "U1,service_user,,Older people,O-HOME.importance,9\n"
    "U1,service_user,,Older people,NOPE,3\n"
    "U2,carer,,Nobody,O-HOME.importance,4\n"
)


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request in Welsh leaves Welsh active in the test's thread: later tests start in English."""
    yield
    translation.activate("en-gb")


@pytest.fixture
def follow_up(client):
    follow_up = build_follow_up()
    client.force_login(follow_up.evaluator)
    return follow_up


def in_welsh(client) -> None:
    client.cookies["django_language"] = "cy"


def text_of(response) -> str:
    """What a person reads: the page without its tags, entities decoded, spaces collapsed."""
    assert response.status_code == 200
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_schedule_page_is_in_welsh(client, follow_up):
    in_welsh(client)
    page = text_of(client.get(follow_up.url("schedule")))
    assert "Amserlen ddilynol" in page
    assert "Canlyniadau i ofyn amdanynt" in page
    assert "Sesiynau" in page and "Anghenion hygyrchedd" in page
    assert "Lawrlwytho’r canllaw cyfweld (PDF)" in page
    assert "Yn casglu atebion" in page, "the schedule's status"
    assert "Cyfweliad" in page and "Wyneb yn wyneb" in page, "a session's method and mode"
    for english in ("Follow-up schedule", "Printable guides", "Outcomes to ask about", "Sessions"):
        assert english not in page


def test_the_forms_and_messages_of_the_schedule_are_in_welsh(client, follow_up):
    in_welsh(client)
    page = text_of(client.get(follow_up.url("add_session")))
    assert "Ychwanegu sesiwn" in page and "Sut y caiff ei chynnal?" in page
    refused = client.post(follow_up.url("add_session"), {"method": "interview", "mode": ""})
    assert "Dewiswch sut y caiff y sesiwn ei chynnal." in text_of(refused)
    saved = client.post(
        follow_up.url("add_session"),
        {"method": "interview", "mode": "in_person", "planned_service_users": "3"},
        follow=True,
    )
    assert "Mae’r sesiwn wedi’i chadw." in text_of(saved)


def test_the_register_and_a_participant_are_in_welsh(client, follow_up):
    person = consented(follow_up)
    in_welsh(client)
    register = text_of(client.get(follow_up.url()))
    assert "Pawb sy’n cymryd rhan" in register
    assert "Yn dangos 1 i 1 o 1 cyfranogwr." in register
    assert "Yn barod i ateb" in register, "the status of each person"
    assert "Cofrestru cyfranogwr" in register
    assert "Everyone taking part" not in register and "Ready to answer" not in register
    page = text_of(client.get(follow_up.url("participant", code=person.code)))
    assert f"Cyfranogwr {person.code}" in page
    assert "Dim atebion eto." in page and "Tynnu’n ôl" in page
    withdrawn = client.post(follow_up.url("participant_withdraw", code=person.code), follow=True)
    assert f"Mae {person.code} wedi tynnu’n ôl. Dilëwyd 0 set o atebion." in text_of(withdrawn)


def test_the_letter_for_a_participant_is_in_welsh(client, follow_up):
    person = consented(follow_up)
    in_welsh(client)
    letter = text_of(client.post(follow_up.url("participant_link", code=person.code)))
    assert "Riverside partnership: dywedwch wrthym beth sy’n bwysig i chi" in letter
    assert "Sut i gymryd rhan" in letter and "Â phwy i gysylltu" in letter
    assert f"Eich cyfeirnod: {person.code}" in letter
    assert "tell us what matters to you" not in letter


def test_assisted_entry_is_in_welsh(client, follow_up):
    person = consented(follow_up)
    in_welsh(client)
    page = text_of(client.get(follow_up.url("assisted_entry", code=person.code)))
    assert f"Rhoi atebion {person.code}" in page
    assert "Pa eiriad a ddefnyddiwyd?" in page and "Cadw’r atebion" in page
    assert "Save answers" not in page


def test_an_import_names_each_bad_row_in_welsh(client, follow_up):
    in_welsh(client)
    response = client.post(
        follow_up.url("import_answers"),
        {"answers_file": SimpleUploadedFile("answers.csv", BAD_FILE.encode(), "text/csv")},
    )
    page = text_of(response)
    assert "Ni fewnforiwyd y ffeil: ni chadwyd dim" in page
    assert "Mae gan y ffeil 3 problem, a restrir ar frig y dudalen" in page
    assert "Llinell 2: mae gwerth '9' eitem 'O-HOME.importance' y tu allan i’r amrediad" in page
    assert "Llinell 3: eitem anhysbys 'NOPE' (nid yw yn yr holiadur dilynol, fersiwn" in page
    assert "Llinell 4: grŵp defnyddwyr anhysbys 'Nobody'" in page
    assert "Line 2" not in page and "unknown item" not in page


def test_a_background_import_reports_in_the_language_of_the_person_who_started_it(
    follow_up, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = SimpleUploadedFile("answers.csv", BAD_FILE.encode(), "text/csv")
    with translation.override("cy"):
        job = start_import(follow_up.wave, upload, actor=follow_up.evaluator)
    with translation.override("en-gb"), pytest.raises(JobRefused) as refused:
        run_import(job, lambda *args, **kwargs: None)
    assert str(refused.value).startswith("Mae gan y ffeil 3 problem: ni chadwyd dim.")
    assert refused.value.details[0].startswith("Llinell 2: ")


def test_the_facilitators_guide_is_in_the_language_it_is_made_in(follow_up):
    with translation.override("cy"):
        html = guide_html(follow_up.schedule, GuideKind.FOCUS_GROUP)
    assert '<html lang="cy">' in html
    assert "Canllaw pynciau grŵp ffocws" in html and "Rheolau sylfaenol" in html
    assert "Ffonau ar dawel, os gwelwch yn dda." in html
    with translation.override("en-gb"):
        english = guide_html(follow_up.schedule, GuideKind.FOCUS_GROUP)
    assert '<html lang="en-GB">' in english and "Ground rules" in english


def test_the_shortlist_is_in_welsh(client):
    seeded = seed_wave(k=5)
    call_command(
        "run_comparison",
        seeded.wave.partnership.slug,
        seeded.wave.slug,
        "--resamples",
        "10",
        stdout=io.StringIO(),
    )
    client.force_login(member(seeded.wave.partnership, Role.EVALUATOR))
    in_welsh(client)
    url = reverse(
        "outcomes:shortlist",
        kwargs={"partnership": seeded.wave.partnership.slug, "wave": seeded.wave.slug},
    )
    page = text_of(client.get(url))
    assert "Rhestr fer o ganlyniadau" in page and "Beth ddywedodd staff" in page
    assert "% yn gadarnhaol" in page and "cymedr " in page
    assert "Awgrymwyd:" in page, "each suggestion says why"
    assert "aelod o staff yn ei ystyried yn bwysig neu’n hanfodol." in page
    assert "Outcome shortlist" not in page and "% positive" not in page


def test_english_is_unchanged_without_the_cookie(client, follow_up):
    person = consented(follow_up)
    schedule = text_of(client.get(follow_up.url("schedule")))
    assert "Follow-up schedule" in schedule and "Printable guides" in schedule
    register = text_of(client.get(follow_up.url()))
    assert "Everyone taking part" in register and "Showing 1 to 1 of 1 participant." in register
    participant = text_of(client.get(follow_up.url("participant", code=person.code)))
    assert f"Participant {person.code}" in participant
    for page in (schedule, register, participant):
        assert "Amserlen" not in page and "cyfranogwr" not in page.lower()
    response = client.post(
        follow_up.url("import_answers"),
        {"answers_file": SimpleUploadedFile("answers.csv", BAD_FILE.encode(), "text/csv")},
    )
    assert "Line 3: unknown item 'NOPE' (not in the follow-up questionnaire" in text_of(response)


def test_the_audit_log_puts_the_follow_up_events_in_welsh_words(follow_up):
    person = consented(follow_up)
    withdraw(person, actor=follow_up.evaluator)
    event = AuditEvent.objects.get(action="participant.withdrawn")
    with translation.override("cy"):
        assert "Dilëwyd 0 set o atebion" in audit_details(event)
    with translation.override("en-gb"):
        assert "0 sets of answers deleted" in audit_details(event)
