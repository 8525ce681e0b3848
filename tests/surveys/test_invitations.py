"""Staff lists, invitation e-mails, the open link and deleting e-mail addresses."""

import html
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from poet.models import AuditEvent, Job, Role, Wave
from surveys.models import Invitation, InvitationToken, OpenLink, hash_token
from surveys.services import staff_list
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory, member

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver\.example/s/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"


@pytest.fixture
def wave():
    w = WaveFactory(partnership__name="Northshire Health & Care", name="Baseline 2026")
    OrganisationFactory(partnership=w.partnership, name="Northshire NHS Trust")
    OrganisationFactory(partnership=w.partnership, name="Northshire Council")
    StaffGroupFactory(partnership=w.partnership, name="Nurse")
    StaffGroupFactory(partnership=w.partnership, name="Social worker")
    return w


@pytest.fixture
def evaluator(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    return client


def url(wave, name="invitations/"):
    return f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/{name}"


def upload(client, wave, content, name="staff.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(url(wave), {"staff_list": SimpleUploadedFile(name, data, "text/csv")})


def text_of(response) -> str:
    return html.unescape(response.content.decode())


GOOD = (
    "email,organisation,staff_group\n"
    "ann@example.org,Northshire NHS Trust,Nurse\n"
    "bob@example.org,Northshire Council,Social worker\n"
)


def test_a_good_staff_list_is_stored(evaluator, wave):
    response = upload(evaluator, wave, GOOD)
    assert response.status_code == 302
    stored = Invitation.objects.filter(wave=wave).order_by("email")
    assert [(i.email, i.organisation.name, i.staff_group.name) for i in stored] == [
        ("ann@example.org", "Northshire NHS Trust", "Nurse"),
        ("bob@example.org", "Northshire Council", "Social worker"),
    ]
    assert all(i.last_sent_at is None for i in stored)
    page = text_of(evaluator.get(response["Location"]))
    assert "2 people added to the staff list" in page
    assert AuditEvent.objects.filter(action="invitations.added", detail__count=2).exists()


def test_bom_header_case_spaces_and_capitals_are_accepted(evaluator, wave):
    content = (
        "\ufeff Email , ORGANISATION,Staff_Group\r\n"
        "  Ann.Smith@Example.ORG , northshire nhs trust ,  NURSE \r\n"
        "\r\n"
    )
    assert upload(evaluator, wave, content.encode("utf-8")).status_code == 302
    invitation = Invitation.objects.get(wave=wave)
    assert invitation.email == "ann.smith@example.org"
    assert invitation.organisation.name == "Northshire NHS Trust"
    assert invitation.staff_group.name == "Nurse"


def test_a_second_list_adds_people_and_refuses_those_already_invited(evaluator, wave):
    upload(evaluator, wave, GOOD)
    more = "email,organisation,staff_group\ncat@example.org,Northshire Council,Nurse\n"
    assert upload(evaluator, wave, more).status_code == 302
    assert Invitation.objects.filter(wave=wave).count() == 3
    again = "email,organisation,staff_group\ndan@example.org,Northshire Council,Nurse\n" + (
        "ANN@example.org,Northshire Council,Nurse\n"
    )
    response = upload(evaluator, wave, again)
    assert response.status_code == 200
    assert "Row 3: 'ann@example.org' has already been invited to this wave." in text_of(response)
    assert Invitation.objects.filter(wave=wave).count() == 3


BAD_CASES = {
    "invalid e-mail": (
        "email,organisation,staff_group\n"
        + "".join(f"p{n}@example.org,Northshire Council,Nurse\n" for n in range(5))
        + "nurse@x,Northshire Council,Nurse\n",
        ["Row 7: 'nurse@x' is not a valid e-mail address."],
    ),
    "unknown organisation": (
        "email,organisation,staff_group\nann@example.org,Northshire Trust,Nurse\n",
        [
            "Row 2: 'Northshire Trust' is not an organisation of this partnership "
            "(they are: Northshire Council, Northshire NHS Trust)."
        ],
    ),
    "unknown staff group": (
        "email,organisation,staff_group\nann@example.org,Northshire Council,Surgeon\n",
        [
            "Row 2: 'Surgeon' is not a staff group of this partnership "
            "(they are: Nurse, Social worker)."
        ],
    ),
    "duplicate in the file": (
        "email,organisation,staff_group\n"
        "ann@example.org,Northshire Council,Nurse\n"
        "bob@example.org,Northshire Council,Nurse\n"
        "Ann@example.org,Northshire Council,Nurse\n",
        ["Row 4: 'ann@example.org' is in the file twice (also on row 2)."],
    ),
    "missing values and several problems on one row": (
        "email,organisation,staff_group\n,,\u00a0\n , Nowhere ,\nann@example.org,,Nurse\n",
        [
            "Row 3: The e-mail address is missing; 'Nowhere' is not an organisation of this "
            "partnership (they are: Northshire Council, Northshire NHS Trust); "
            "the staff group is missing.",
            "Row 4: The organisation is missing.",
        ],
    ),
    "missing column": (
        "email,organisation\nann@example.org,Northshire Council\n",
        ["The file has no “staff_group” column"],
    ),
    "empty file": ("", ["The file is empty"]),
    "header only": ("email,organisation,staff_group\n", ["no members of staff"]),
    "not UTF-8": (
        "email,organisation,staff_group\nrené@example.org,Northshire Council,Nurse\n".encode(
            "latin-1"
        ),
        ["not a CSV file in UTF-8"],
    ),
    "not a CSV": (b"PK\x03\x04\x00\x00binary spreadsheet", ["not a CSV file"]),
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_a_bad_staff_list_names_each_problem_and_stores_nothing(evaluator, wave, case):
    content, messages = BAD_CASES[case]
    response = upload(evaluator, wave, content)
    assert response.status_code == 200
    page = text_of(response)
    assert "<title>Error: Invitations" in page
    assert "There is a problem" in page
    for message in messages:
        assert message in page
    assert 'type="file"' in page and 'href="#id_staff_list"' in page
    assert not Invitation.objects.exists()


def test_a_file_with_one_bad_row_among_good_ones_stores_none(evaluator, wave):
    content = GOOD + "carl@example.org,Nowhere,Nurse\n"
    response = upload(evaluator, wave, content)
    assert "Row 4: 'Nowhere' is not an organisation" in text_of(response)
    assert not Invitation.objects.exists()


def test_too_large_and_too_many_rows_are_refused(evaluator, wave, monkeypatch):
    monkeypatch.setattr(staff_list, "MAX_ROWS", 1)
    response = upload(evaluator, wave, GOOD)
    assert "The file has 2 rows: a staff list can have up to 1." in text_of(response)
    monkeypatch.setattr(staff_list, "MAX_BYTES", 10)
    monkeypatch.setattr("surveys.forms.invitations.MAX_BYTES", 10)
    response = upload(evaluator, wave, GOOD)
    assert "The file is too large" in text_of(response)
    assert not Invitation.objects.exists()


def test_no_file_chosen(evaluator, wave):
    response = evaluator.post(url(wave), {})
    assert "Choose a staff list CSV file to upload." in text_of(response)


def test_the_example_staff_list_has_the_partnerships_names_and_can_be_uploaded(evaluator, wave):
    response = evaluator.get(url(wave, "invitations/example.csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode()
    assert content.startswith("email,organisation,staff_group")
    assert "Northshire NHS Trust" in content and "Social worker" in content
    assert upload(evaluator, wave, content).status_code == 302
    assert Invitation.objects.filter(wave=wave).count() == len(content.strip().splitlines()) - 1


def test_no_one_can_be_added_to_a_closed_wave(evaluator, wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    response = upload(evaluator, wave, GOOD)
    assert "This wave is closed: nobody more can be invited." in text_of(response)
    assert not Invitation.objects.exists()


# --- sending ---------------------------------------------------------------------------------


def open_wave(wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN)
    wave.refresh_from_db()


def test_invitations_are_sent_by_the_task_with_a_personal_link_and_only_hashes_are_kept(
    evaluator, wave, django_capture_on_commit_callbacks
):
    wave.closes_on = "2026-12-18"
    wave.save()
    upload(evaluator, wave, GOOD)
    open_wave(wave)
    with django_capture_on_commit_callbacks(execute=True):
        response = evaluator.post(url(wave, "invitations/send/"))
    job = Job.objects.get(kind="surveys.send_invitations")
    assert response["Location"].startswith(f"/p/{wave.partnership.slug}/jobs/{job.pk}/")
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "bob@example.org"]

    tokens = []
    for message in mail.outbox:
        body = message.body
        assert "Northshire Health & Care" in body and "anonymous" in body
        assert "Northshire Health &amp; Care" in message.alternatives[0][0]
        assert "Friday 18 December 2026" in body
        assert message.subject.startswith("Northshire Health & Care staff survey")
        html_body, mime = message.alternatives[0]
        assert mime == "text/html"
        (token,) = set(LINK.findall(body))
        assert f"http://testserver.example/s/{token}/" in html_body
        tokens.append(token)
        invitation = Invitation.objects.get(email=message.to[0])
        assert invitation.last_sent_at is not None
        assert list(invitation.tokens.values_list("token_hash", flat=True)) == [hash_token(token)]

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    for token in tokens:
        assert token not in dump.getvalue()

    # Sending again e-mails nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(url(wave, "invitations/send/"))
    assert mail.outbox == []
    assert InvitationToken.objects.count() == 2


def test_invitations_are_not_sent_while_the_wave_is_a_draft(evaluator, wave):
    upload(evaluator, wave, GOOD)
    page = text_of(evaluator.get(url(wave)))
    assert "Invitations can be sent while the wave is open." in page
    assert re.search(r"<button[^>]*disabled[^>]*>Send invitations", page)
    response = evaluator.post(url(wave, "invitations/send/"), follow=True)
    assert "Open the wave before sending invitations." in text_of(response)
    assert mail.outbox == [] and not Job.objects.exists()


def test_the_invitations_page_shows_counts_but_not_who_answered(evaluator, wave):
    upload(evaluator, wave, GOOD)
    Invitation.objects.filter(email="ann@example.org").update(completed_on="2026-11-20")
    page = text_of(evaluator.get(url(wave)))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<h1") == 1
    assert "ann@example.org" not in page and "bob@example.org" not in page


# --- open link -------------------------------------------------------------------------------


def test_the_open_link_is_shown_once_and_stored_hashed(evaluator, wave):
    form = evaluator.get(url(wave, "invitations/open-link/"))
    assert "Most responses through the link" in text_of(form)
    response = evaluator.post(url(wave, "invitations/open-link/"), {"max_responses": "120"})
    assert response.status_code == 200
    (token,) = re.findall(r"http://testserver\.example/s/open/([A-Za-z0-9_-]+)/", text_of(response))
    link = OpenLink.objects.get(wave=wave)
    assert link.active and link.token_hash == hash_token(token)
    assert link.max_responses == 120
    assert token not in text_of(evaluator.get(url(wave)))
    assert "The open link is <strong>on</strong>" in text_of(evaluator.get(url(wave)))
    assert "It takes up to 120 responses." in text_of(evaluator.get(url(wave)))

    response = evaluator.post(url(wave, "invitations/open-link/"), {"max_responses": "150"})
    (new_token,) = re.findall(r"/s/open/([A-Za-z0-9_-]+)/", text_of(response))
    link.refresh_from_db()
    assert new_token != token and link.token_hash == hash_token(new_token)
    assert link.max_responses == 150

    evaluator.post(url(wave, "invitations/open-link/off/"))
    link.refresh_from_db()
    assert not link.active
    assert AuditEvent.objects.filter(action="open_link.deactivated").exists()


# --- purging e-mail addresses ----------------------------------------------------------------


def test_e_mail_addresses_are_purged_only_once_the_wave_is_closed(evaluator, wave):
    upload(evaluator, wave, GOOD)
    open_wave(wave)
    response = evaluator.post(url(wave, "invitations/purge/"))
    assert "Close the wave before deleting e-mail addresses" in text_of(response)
    assert Invitation.objects.exclude(email="").count() == 2

    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    confirm = text_of(evaluator.get(url(wave, "invitations/purge/")))
    assert "Yes, delete the e-mail addresses" in confirm
    response = evaluator.post(url(wave, "invitations/purge/"), follow=True)
    assert "2 e-mail addresses deleted." in text_of(response)
    assert "have been deleted" in text_of(response)
    assert list(Invitation.objects.values_list("email", flat=True)) == ["", ""]
    assert Invitation.objects.filter(email_purged_at__isnull=False).count() == 2
    event = AuditEvent.objects.get(action="invitations.emails_purged")
    assert event.detail == {"count": 2} and event.actor is not None


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["invitations/", "invitations/example.csv"])
def test_a_manager_may_not_see_or_change_invitations(client, wave, path):
    client.force_login(member(wave.partnership, Role.MANAGER))
    assert client.get(url(wave, path)).status_code == 403
    response = client.post(
        url(wave), {"staff_list": SimpleUploadedFile("s.csv", GOOD.encode(), "text/csv")}
    )
    assert response.status_code == 403
    for action in ["send/", "remind/", "open-link/", "purge/"]:
        assert client.post(url(wave, f"invitations/{action}")).status_code == 403
    assert not Invitation.objects.exists() and not OpenLink.objects.exists()


def test_the_wave_page_links_to_invitations_for_evaluators_only(client, wave):
    client.force_login(member(wave.partnership, Role.MANAGER))
    page = client.get(wave.get_absolute_url()).content.decode()
    assert url(wave) not in page
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    assert url(wave) in client.get(wave.get_absolute_url()).content.decode()


# --- the links work with the answering pages -------------------------------------------------


def test_the_links_in_e_mails_and_the_open_link_lead_into_the_survey(
    client, evaluator, wave, django_capture_on_commit_callbacks
):
    from surveys.services.opening import open_wave as open_for_answers
    from tests.factories import ItemFactory, QuestionnaireFactory, SectionFactory

    questionnaire = QuestionnaireFactory(wave=wave)
    ItemFactory(section=SectionFactory(questionnaire=questionnaire))
    open_for_answers(wave)
    upload(evaluator, wave, GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(url(wave, "invitations/send/"))
    (token,) = LINK.findall(mail.outbox[0].body)
    open_token = re.findall(
        r"/s/open/([A-Za-z0-9_-]+)/",
        text_of(evaluator.post(url(wave, "invitations/open-link/"), {"max_responses": "50"})),
    )[0]

    client.logout()
    for path in [f"/s/{token}/", f"/s/open/{open_token}/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert wave.partnership.name in text_of(response) or questionnaire.title in text_of(
            response
        ), path
    assert client.get("/s/not-a-real-token/").status_code in {200, 404, 410}


def test_many_bad_rows_are_summed_up_after_the_first_fifty(evaluator, wave):
    rows = "".join(f"person{n}@x,Northshire Council,Nurse\n" for n in range(60))
    page = text_of(upload(evaluator, wave, "email,organisation,staff_group\n" + rows))
    assert "Row 51: 'person49@x' is not a valid e-mail address." in page
    assert "Row 52:" not in page
    assert "…and 10 more rows with problems." in page
    assert not Invitation.objects.exists()


def test_a_closed_wave_gets_no_open_link(evaluator, wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    response = evaluator.post(url(wave, "invitations/open-link/"), follow=True)
    assert "This wave is closed: nobody more can be invited." in text_of(response)
    assert not OpenLink.objects.exists()
    assert "Make an open link" not in text_of(response)


def test_the_purge_page_explains_why_it_waits_for_the_wave_to_close(evaluator, wave):
    upload(evaluator, wave, GOOD)
    page = text_of(evaluator.get(url(wave, "invitations/purge/")))
    assert "can be deleted only once the wave is closed" in page
    assert "Yes, delete" not in page


def test_no_one_can_be_added_to_an_open_wave_past_its_closing_date(evaluator, wave):
    """Closed overnight in effect (the links would not work): refused before the file is read."""
    import datetime

    from django.utils import timezone

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN, closes_on=yesterday)
    response = upload(evaluator, wave, "not,a,staff,list\n")
    text = text_of(response)
    assert "no “email”" not in text, text  # the file itself was never read
    assert "This wave is closed: nobody more can be invited." in text, (
        text
    )  # the file itself was never read
    assert not Invitation.objects.exists()
